import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BuildOutputLines } from '../../src/builder/build-output-lines.js';

/** Feeds `chunks` through BuildOutputLines with lines of at most `max` UTF-8 bytes; returns the lines. */
function lines(chunks: Array<string | Buffer>, max?: number): string[] {
  const out: string[] = [];
  const splitter = new BuildOutputLines((l) => out.push(l), max);
  for (const c of chunks) splitter.push(c);
  splitter.end();
  return out;
}

describe('build output lines', () => {
  it('joins a line written across chunks, even inside a multi-byte character', () => {
    const euro = Buffer.from('€');
    assert.deepEqual(lines([Buffer.from('price: '), euro.subarray(0, 1), euro.subarray(1), Buffer.from('5\nnext\n')]), ['price: €5', 'next']);
  });

  it('keeps only the last state of a line a progress bar rewrote with CR', () => {
    assert.deepEqual(lines(['10%\r50%\r100%\r\n', 'done\n']), ['100%', 'done']);
  });

  it('emits a last line that has no newline when the stream ends', () => {
    assert.deepEqual(lines(['one\ntwo']), ['one', 'two']);
  });

  it('holds at most the byte limit of a line still waiting for its newline', () => {
    assert.deepEqual(lines(['abcdefghij', '\n'], 4), ['abcd', 'efgh', 'ij']);
  });

  it('counts the limit in UTF-8 bytes, not in characters', () => {
    // é is 2 bytes: 8 of them are 16 bytes, two pieces under a limit of 8.
    assert.deepEqual(lines(['éééééééé', '\n'], 8), ['éééé', 'éééé']);
  });

  it('never cuts a character in two at the byte limit', () => {
    // € is 3 bytes: with a limit of 3, "a€" does not fit, so "a" goes alone.
    assert.deepEqual(lines(['a€b€', '\n'], 3), ['a', '€', 'b', '€']);
    // An emoji (4 bytes, a surrogate pair) wider than the limit still moves forward whole.
    assert.deepEqual(lines([Buffer.from('😀x'), '\n'], 3), ['😀', 'x']);
  });
});
