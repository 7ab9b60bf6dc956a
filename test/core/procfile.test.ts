import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcfile, ProcfileError } from '../../src/core/procfile.js';

describe('parseProcfile', () => {
  const good: Array<[string, string, Record<string, string>]> = [
    ['a single web line', 'web: node server.js\n', { web: 'node server.js' }],
    ['several types in order', 'web: node a.js\nworker: node w.js\nrelease: node m.js', { web: 'node a.js', worker: 'node w.js', release: 'node m.js' }],
    ['CRLF line endings', 'web: node a.js\r\nworker: x\r\n', { web: 'node a.js', worker: 'x' }],
    ['blank lines and comments', '# processes\n\n  \nweb: x\n   # indented comment\n', { web: 'x' }],
    ['a byte-order mark', '\uFEFFweb: x\n', { web: 'x' }],
    ['no space after the colon', 'web:node a.js', { web: 'node a.js' }],
    ['colons inside the command', 'web: bundle exec rails s -b 0.0.0.0:$PORT', { web: 'bundle exec rails s -b 0.0.0.0:$PORT' }],
    ['dashes, underscores and digits in types', 'my-worker_2: x\nA: y', { 'my-worker_2': 'x', A: 'y' }],
    ['surrounding whitespace', '  web:   node a.js   \n', { web: 'node a.js' }],
    ['an empty file', '', {}],
  ];
  for (const [what, text, expected] of good) {
    it(`accepts ${what}`, () => assert.deepEqual(parseProcfile(text), expected));
  }

  const bad: Array<[string, string, number, RegExp]> = [
    ['a line without a colon', 'web: x\nworker x\n', 2, /line 2 is invalid: expected `<type>: <command>`/],
    ['a type with a space', 'web: x\n\nmy worker: x', 3, /line 3 is invalid/],
    ['a type with a dot', 'web.1: x', 1, /line 1 is invalid/],
    ['a space before the colon', 'web : x', 1, /line 1 is invalid/],
    ['an empty command', 'web:   \r\n', 1, /line 1 is invalid/],
    ['an empty type', ': node x', 1, /line 1 is invalid/],
    ['a duplicate type', 'web: a\n# c\nweb: b', 3, /line 3 declares process type web again \(first declared on line 1\)/],
  ];
  for (const [what, text, line, message] of bad) {
    it(`rejects ${what} naming line ${line}`, () => {
      assert.throws(
        () => parseProcfile(text),
        (err: unknown) => err instanceof ProcfileError && err.line === line && message.test(err.message),
      );
    });
  }

  it('says which characters a type may use', () => {
    assert.throws(() => parseProcfile('we$b: x'), { message: 'Procfile line 1 is invalid: expected `<type>: <command>` with type made of letters, digits, - and _.' });
  });
});
