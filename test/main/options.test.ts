import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseUpOptions, UP_HELP } from '../../src/main/options.js';

const parse = (...argv: string[]) => {
  const options = parseUpOptions(argv, {});
  assert.notEqual(options, 'help');
  return options as Exclude<typeof options, 'help'>;
};

describe('bin/berth up options', () => {
  it('allow no private range for tenant URLs by default', () => {
    assert.deepEqual(parse().allowPrivateUrls, []);
  });

  it('take --allow-private-urls once per range, IPv4 and IPv6', () => {
    assert.deepEqual(parse('--allow-private-urls', '10.1.0.0/16', '--allow-private-urls', 'fd00::/8').allowPrivateUrls, ['10.1.0.0/16', 'fd00::/8']);
    assert.match(UP_HELP, /--allow-private-urls CIDR/);
  });

  it('refuse an --allow-private-urls value that is not a CIDR range, naming it', () => {
    assert.throws(() => parse('--allow-private-urls', '10.0.0.0/40'), /--allow-private-urls takes a CIDR range such as .* not "10\.0\.0\.0\/40"/);
  });
});
