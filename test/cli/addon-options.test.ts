import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAddonOptions } from '../../src/cli/addon-options.js';
import { UsageError } from '../../src/cli/cli-error.js';

describe('provider options after `--` (addons:create)', () => {
  const cases: Array<[string[], Record<string, string>]> = [
    [[], {}],
    [['--version', '16'], { version: '16' }],
    [['--version=16', '--fork'], { version: '16', fork: 'true' }],
    [['--fork', '--maxmemory-policy', 'allkeys-lru'], { fork: 'true', 'maxmemory-policy': 'allkeys-lru' }],
    [['--note=a=b c'], { note: 'a=b c' }],
    [['--empty='], { empty: '' }],
  ];
  for (const [words, expected] of cases) {
    it(`reads ${JSON.stringify(words)} as ${JSON.stringify(expected)}`, () => assert.deepEqual(parseAddonOptions(words), expected));
  }
  for (const bad of [['value-without-key'], ['-v', '16'], ['--', 'x'], ['--bad key']]) {
    it(`refuses ${JSON.stringify(bad)} showing the --key value form`, () => {
      assert.throws(() => parseAddonOptions(bad), (err: unknown) => err instanceof UsageError && /--key value/.test(err.message));
    });
  }
});
