import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/cli-error.js';
import { parseScaleArgs, parseTypeArgs } from '../../src/cli/scale-args.js';

const scaleCases: [string, string[], unknown][] = [
  ['an absolute quantity', ['web=3'], [{ type: 'web', quantity: '3' }]],
  ['a relative increase keeps its sign', ['worker+1'], [{ type: 'worker', quantity: '+1' }]],
  ['a relative decrease keeps its sign', ['web-2'], [{ type: 'web', quantity: '-2' }]],
  ['a quantity with a size', ['web=2:Standard-2X'], [{ type: 'web', quantity: '2', size: 'Standard-2X' }]],
  ['a relative quantity with a size', ['worker+1:basic'], [{ type: 'worker', quantity: '+1', size: 'basic' }]],
  ['a size alone', ['web=standard-2x'], [{ type: 'web', size: 'standard-2x' }]],
  ['an old size name starting with a digit', ['web=1X'], [{ type: 'web', size: '1X' }]],
  ['zero', ['worker=0'], [{ type: 'worker', quantity: '0' }]],
  ['a type with a dash, scaled down', ['my-worker-1'], [{ type: 'my-worker', quantity: '-1' }]],
  ['a type with a dash, set', ['my-worker=4'], [{ type: 'my-worker', quantity: '4' }]],
  ['several changes in order', ['web=1', 'worker+2', 'web=2:eco'], [{ type: 'web', quantity: '1' }, { type: 'worker', quantity: '+2' }, { type: 'web', quantity: '2', size: 'eco' }]],
  ['no arguments', [], []],
];

for (const [name, args, expected] of scaleCases) {
  test(`ps:scale reads ${name} (${args.join(' ') || 'nothing'})`, () => {
    assert.deepEqual(parseScaleArgs(args), expected);
  });
}

const malformed = ['web', 'web=', '=2', 'web=2:', 'web+', 'web=+1', 'web=-1', 'web=2:Standard 2X', 'web==2', 'web=2:std:2', 'web=1234567890', 'web:2', 'web=standard-2x:3', ''];

for (const arg of malformed) {
  test(`ps:scale rejects the malformed argument ${JSON.stringify(arg)} with a usage error`, () => {
    assert.throws(() => parseScaleArgs(['web=1', arg]), (err: unknown) => err instanceof UsageError && err.message.includes(JSON.stringify(arg)) && err.message.includes('TYPE=N'));
  });
}

test('ps:type reads TYPE=SIZE pairs', () => {
  assert.deepEqual(parseTypeArgs(['web=standard-2x', 'worker=Basic']), [{ type: 'web', size: 'standard-2x' }, { type: 'worker', size: 'Basic' }]);
});

for (const arg of ['web', 'web=', '=eco', 'web=2:eco', 'web=a b']) {
  test(`ps:type rejects ${JSON.stringify(arg)}`, () => {
    assert.throws(() => parseTypeArgs([arg]), UsageError);
  });
}
