import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { colours } from '../../src/cli/colour.js';
import { terminalText } from '../../src/cli/terminal-text.js';

describe('terminalText', () => {
  const cases: Array<[string, string]> = [
    ['plain text', 'plain text'],
    ['title \x1b]0;owned\x07', 'title \\x1b]0;owned\\x07'],
    ['clear \x1b[2J screen', 'clear \\x1b[2J screen'],
    ['over\rwrite', 'over\\rwrite'],
    ['c1 \u009b31m', 'c1 \\u009b31m'],
    ['lines\nand\ttabs stay', 'lines\nand\ttabs stay'],
    ['🚢 ünïcødé', '🚢 ünïcødé'],
  ];
  for (const [input, shown] of cases) {
    it(`shows ${JSON.stringify(input)} as ${JSON.stringify(shown)}`, () => {
      assert.equal(terminalText(input), shown);
    });
  }

  it("keeps the CLI's own colours but escapes a tenant's attempt to hide text", () => {
    const c = colours(true);
    const ours = `${c.bold('=== app')} ${c.red('crashed')} ${c.dim('x')}`;
    assert.equal(terminalText(ours), ours);
    assert.equal(terminalText('\x1b[8mhidden'), '\\x1b[8mhidden');
  });
});
