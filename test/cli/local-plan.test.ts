import assert from 'node:assert/strict';
import { test } from 'node:test';
import { UsageError } from '../../src/cli/cli-error.js';
import { planLocalProcesses } from '../../src/cli/local-plan.js';

const TYPES = { web: 'node server.js', worker: 'node worker.js', release: 'node migrate.js', clock: 'node clock.js' };
const names = (selection: string | undefined, base = 5000) => planLocalProcesses(TYPES, selection, base).map((p) => `${p.name}:${p.port}`);

const cases: [string, string | undefined, number, string[]][] = [
  ['every type but release, PORT 100 apart in Procfile order', undefined, 5000, ['web.1:5000', 'worker.1:5100', 'clock.1:5300']],
  ['one type keeps its own port', 'worker', 5000, ['worker.1:5100']],
  ['two types', 'web,clock', 5000, ['web.1:5000', 'clock.1:5300']],
  ['counts give consecutive ports', 'web=2,worker=1', 3000, ['web.1:3000', 'web.2:3001', 'worker.1:3100']],
  ['release runs when named', 'release', 5000, ['release.1:5200']],
];
for (const [what, selection, base, expected] of cases) {
  test(`local plan: ${what}`, () => assert.deepEqual(names(selection, base), expected));
}

const bad: [string, string, RegExp][] = [
  ['an unknown type names the Procfile types', 'api', /no process type api/],
  ['a malformed selection shows the forms', 'web:2', /use TYPE, TYPE,TYPE or TYPE=N/],
  ['a port past 65535 asks for a lower base', 'clock', /above 65535/],
];
for (const [what, selection, message] of bad) {
  test(`local plan: ${what}`, () => {
    assert.throws(() => planLocalProcesses(TYPES, selection, 65300), (err: unknown) => err instanceof UsageError && message.test(err.message));
  });
}

test('local plan: a Procfile with only a release line has nothing to run', () => {
  assert.throws(() => planLocalProcesses({ release: 'true' }, undefined, 5000), /Nothing to run/);
});
