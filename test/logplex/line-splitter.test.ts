import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { LineSplitter } from '../../src/logplex/line-splitter.js';

/** Feeds `chunks` through a splitter with lines of at most `max` bytes; returns the lines. */
function split(chunks: Array<string | Buffer>, max = 10): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), max);
  for (const c of chunks) splitter.push(typeof c === 'string' ? Buffer.from(c) : c);
  splitter.flush();
  return lines;
}

describe('line splitter', () => {
  it('joins a line written across several chunks', () => {
    assert.deepEqual(split(['he', 'llo', '\nwor', 'ld\n']), ['hello', 'world']);
  });

  it('drops a CR before the newline even when the newline comes in the next chunk', () => {
    assert.deepEqual(split(['one\r', '\ntwo\r\n']), ['one', 'two']);
  });

  it('keeps empty lines', () => {
    assert.deepEqual(split(['a\n\nb\n']), ['a', '', 'b']);
  });

  it('cuts a long line into pieces of at most the limit', () => {
    assert.deepEqual(split(['0123456789abcdefghijXYZ\n']), ['0123456789', 'abcdefghij', 'XYZ']);
    assert.deepEqual(split(['01234', '56789', 'abc']), ['0123456789', 'abc']);
  });

  it('never cuts a character in two, inside a chunk or across chunks', () => {
    assert.deepEqual(split(['012345678é\n']), ['012345678', 'é']);
    const e = Buffer.from('é');
    // The held part ends with the first byte of é; its second byte opens the next chunk.
    assert.deepEqual(split([Buffer.concat([Buffer.from('012345678'), e.subarray(0, 1)]), Buffer.concat([e.subarray(1), Buffer.from('z')])]), [
      '012345678',
      'éz',
    ]);
    const rocket = Buffer.from('🚀');
    assert.deepEqual(split([Buffer.concat([Buffer.from('01234567'), rocket.subarray(0, 2)]), Buffer.concat([rocket.subarray(2), Buffer.from('\n')])]), [
      '01234567',
      '🚀',
    ]);
  });

  it('replaces invalid UTF-8 with U+FFFD', () => {
    assert.deepEqual(split([Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x0a])]), ['a\ufffdb\ufffd']);
  });
});
