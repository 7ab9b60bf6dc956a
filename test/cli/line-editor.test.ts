import assert from 'node:assert/strict';
import { test } from 'node:test';
import { typeKeys, type LineStep } from '../../src/cli/line-editor.js';

const cases: [string, string, string, boolean, LineStep][] = [
  ['typed characters are added and echoed', '', 'abc', true, { text: 'abc', status: 'more', echo: 'abc' }],
  ['a hidden prompt echoes nothing', '', 'secret', false, { text: 'secret', status: 'more', echo: '' }],
  ['Enter finishes the line', 'abc', '\r', true, { text: 'abc', status: 'done', echo: '' }],
  ['a pasted line with a newline finishes at the newline', '', 'pw\nrest', false, { text: 'pw', status: 'done', echo: '' }],
  ['backspace removes the last character', 'abc', '\x7f', true, { text: 'ab', status: 'more', echo: '\b \b' }],
  ['backspace on an empty line does nothing', '', '\x7f', true, { text: '', status: 'more', echo: '' }],
  ['Ctrl-U clears the line', 'abc', '\x15', true, { text: '', status: 'more', echo: '\b \b\b \b\b \b' }],
  ['Ctrl-C cancels', 'abc', '\x03', false, { text: 'abc', status: 'cancelled', echo: '' }],
  ['Ctrl-D on an empty line cancels', '', '\x04', true, { text: '', status: 'cancelled', echo: '' }],
  ['arrow keys are ignored', 'ab', '\x1b[D', true, { text: 'ab', status: 'more', echo: '' }],
  ['other control characters are dropped', 'a', '\tb', true, { text: 'ab', status: 'more', echo: 'b' }],
];

for (const [name, text, chunk, echo, expected] of cases) {
  test(name, () => assert.deepEqual(typeKeys(text, chunk, echo), expected));
}
