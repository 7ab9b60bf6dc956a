import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colourEnabled, colours } from '../../src/cli/colour.js';
import { formatKeyValues, formatTable } from '../../src/cli/format.js';
import { firstLine } from '../../src/cli/prompt.js';

const colourCases: [string, boolean | undefined, NodeJS.ProcessEnv, boolean][] = [
  ['a terminal gets colour', true, {}, true],
  ['NO_COLOR turns colour off even on a terminal', true, { NO_COLOR: '1' }, false],
  ['an empty NO_COLOR still turns colour off', true, { NO_COLOR: '' }, false],
  ['a pipe gets no colour', false, {}, false],
  ['a stream that does not say gets no colour', undefined, {}, false],
];
for (const [name, isTTY, env, expected] of colourCases) test(name, () => assert.equal(colourEnabled(isTTY, env), expected));

test('colours wrap text in SGR codes only when enabled', () => {
  assert.equal(colours(false).red('x'), 'x');
  assert.equal(colours(true).red('x'), '\x1b[31mx\x1b[39m');
});

test('formatTable aligns columns and leaves the last one unpadded', () => {
  assert.deepEqual(formatTable([['a', 'owner@x'], ['longer-name', 'b@x']]), ['a            owner@x', 'longer-name  b@x']);
  assert.deepEqual(formatTable([]), []);
});

test('formatKeyValues aligns the values after the keys', () => {
  assert.deepEqual(formatKeyValues([['Name', 'a'], ['Git URL', 'b'], ['Empty', '']]), ['Name:     a', 'Git URL:  b', 'Empty:']);
});

const lines: [string, string][] = [
  ['pw\n', 'pw'],
  ['pw\r\nmore\n', 'pw'],
  ['pw', 'pw'],
  ['', ''],
  [' spaced pw \n', ' spaced pw '],
];
for (const [input, expected] of lines) {
  test(`--password-stdin reads ${JSON.stringify(expected)} from ${JSON.stringify(input)}`, () => assert.equal(firstLine(input), expected));
}
