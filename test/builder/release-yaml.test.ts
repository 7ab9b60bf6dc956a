import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseReleaseYaml, ReleaseYamlError } from '../../src/builder/release-yaml.js';

describe('parseReleaseYaml', () => {
  const good: Array<[string, string, Record<string, string>, Record<string, string>]> = [
    ['the classic Heroku output', '---\naddons: []\nconfig_vars: {}\ndefault_process_types:\n  web: node index.js\n', { web: 'node index.js' }, {}],
    ['several types and config vars', '---\nconfig_vars:\n  LANG: en_US.UTF-8\n  PATH: "bin:$PATH"\ndefault_process_types:\n  web: bundle exec puma -p $PORT\n  worker: bundle exec sidekiq\n', { web: 'bundle exec puma -p $PORT', worker: 'bundle exec sidekiq' }, { LANG: 'en_US.UTF-8', PATH: 'bin:$PATH' }],
    ['commands with colons and hashes inside quotes', "default_process_types:\n  web: 'node a.js --x=http://h:1/#top'\n", { web: 'node a.js --x=http://h:1/#top' }, {}],
    ['trailing comments', 'default_process_types: # types\n  web: node a.js # the server\n', { web: 'node a.js' }, {}],
    ['flow maps', 'default_process_types: { web: "node a.js", worker: node w.js }\n', { web: 'node a.js', worker: 'node w.js' }, {}],
    ['empty maps and nulls', 'default_process_types:\nconfig_vars: ~\n', {}, {}],
    ['a block list of legacy addons', 'addons:\n  - heroku-postgresql\ndefault_process_types:\n  web: x\n', { web: 'x' }, {}],
    ['CRLF and four-space indentation', 'default_process_types:\r\n    web: x\r\n', { web: 'x' }, {}],
    ['nothing at all', '', {}, {}],
    ['escapes in double quotes', 'config_vars:\n  MSG: "a \\"b\\"\\tc"\n', {}, { MSG: 'a "b"\tc' }],
  ];
  for (const [what, text, types, vars] of good) {
    it(`reads ${what}`, () => assert.deepEqual(parseReleaseYaml(text), { defaultProcessTypes: types, configVars: vars }));
  }

  const bad: Array<[string, string, number]> = [
    ['a top-level line that is not a key', 'default_process_types:\n  web: x\nnonsense\n', 3],
    ['an unterminated string', 'default_process_types:\n  web: "node a.js\n', 2],
    ['uneven indentation', 'default_process_types:\n  web: x\n    worker: y\n', 3],
    ['a scalar where a map belongs', 'default_process_types: web\n', 1],
    ['tabs', 'default_process_types:\n\tweb: x\n', 2],
    ['a list item under process types', 'default_process_types:\n  - web\n', 2],
    ['indented lines without a parent key', '---\n  web: x\n', 1],
  ];
  for (const [what, text, line] of bad) {
    it(`rejects ${what} naming line ${line}`, () =>
      assert.throws(() => parseReleaseYaml(text), (err: unknown) => err instanceof ReleaseYamlError && err.line === line));
  }
});
