import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DynoJson } from '../../src/cli/api-types.js';
import { UsageError } from '../../src/cli/cli-error.js';
import { colours } from '../../src/cli/colour.js';
import { describeTarget, dynoTarget } from '../../src/cli/dyno-target.js';
import { formatWhen } from '../../src/cli/format.js';
import { formatDynos, formatPlan } from '../../src/cli/ps-format.js';

const plain = colours(false);
const now = new Date(2026, 10, 22, 10, 1, 0);
const stamp = '2026/11/22 10:00:00';
const at = new Date(2026, 10, 22, 10, 0, 0);

const whens: [string, Date, string][] = [
  ['seconds', new Date(now.getTime() - 5_000), '2026/11/22 10:00:55 (~ 5s ago)'],
  ['minutes', at, `${stamp} (~ 1m ago)`],
  ['hours', new Date(2026, 10, 22, 7, 1, 0), '2026/11/22 07:01:00 (~ 3h ago)'],
  ['days (no relative part)', new Date(2026, 10, 20, 10, 1, 0), '2026/11/20 10:01:00'],
];

for (const [name, when, expected] of whens) {
  test(`formatWhen shows ${name} like the official CLI`, () => {
    assert.equal(formatWhen(when, now), expected);
  });
}

const dyno = (name: string, command: string, state = 'up', size = 'Standard-1X'): DynoJson => ({
  id: `id-${name}`,
  name,
  type: name.split('.')[0] as string,
  command,
  size,
  state,
  attach_url: null,
  release: { id: 'r', version: 3 },
  created_at: at.toISOString(),
  updated_at: at.toISOString(),
});

test('ps groups dynos by command with one-off dynos first, numbered in order', () => {
  const lines = formatDynos(
    [dyno('web.2', 'node server.js', 'starting'), dyno('worker.1', 'node worker.js', 'crashed', 'Standard-2X'), dyno('run.7', 'bash'), dyno('web.10', 'node server.js'), dyno('web.1', 'node server.js')],
    now,
    plain,
  );
  assert.deepEqual(lines, [
    '=== run: one-off processes (1)',
    `run.7 (Standard-1X): up ${stamp} (~ 1m ago): bash`,
    '',
    '=== web (Standard-1X): node server.js (3)',
    `web.1: up ${stamp} (~ 1m ago)`,
    `web.2: starting ${stamp} (~ 1m ago)`,
    `web.10: up ${stamp} (~ 1m ago)`,
    '',
    '=== worker (Standard-2X): node worker.js (1)',
    `worker.1: crashed ${stamp} (~ 1m ago)`,
    '',
  ]);
});

test('ps --diff says "Nothing to do" for an empty plan and still shows notes', () => {
  assert.deepEqual(formatPlan({ actions: [], notes: [] }, now), ['Nothing to do']);
  assert.deepEqual(formatPlan({ actions: [], notes: ['web.1 is cooling off after 3 crashes'], wakeAt: now.getTime() + 90_000 }, now), [
    'Nothing to do',
    'Note: web.1 is cooling off after 3 crashes',
    'Next change on its own in ~ 2m',
  ]);
});

test('ps --diff lists each start and stop with its reason', () => {
  const lines = formatPlan(
    {
      actions: [
        { kind: 'start', type: 'web', index: 2, releaseVersion: 5, size: 'standard-2x', command: 'node server.js', reason: 'scale', crashCount: 0 },
        { kind: 'start', type: 'web', index: 1, releaseVersion: 6, size: 'standard-1x', command: 'node server.js', reason: 'restart-after-crash', crashCount: 2, replaces: 'web.1' },
        { kind: 'stop', dynoId: 'd1', name: 'worker.3', reason: 'scale-down' },
      ],
      notes: [],
      wakeAt: now.getTime() + 20_000,
    },
    now,
  );
  assert.deepEqual(lines, [
    'start web.2 (v5, Standard-2X): scaling up: node server.js',
    'start web.1 (v6, Standard-1X): restart after a crash, crashed 2 times, replacing web.1: node server.js',
    'stop  worker.3: scaling down',
    'Next change on its own in ~ 20s',
  ]);
});

const targets: [string, string | undefined, Record<string, string>, unknown, string][] = [
  ['a dyno name', 'web.1', {}, { kind: 'dyno', name: 'web.1' }, 'dyno web.1'],
  ['a one-off dyno name', 'run.1234', {}, { kind: 'dyno', name: 'run.1234' }, 'dyno run.1234'],
  ['a process type', 'web', {}, { kind: 'type', type: 'web' }, 'all web dynos'],
  ['a process type with a dash', 'my-worker', {}, { kind: 'type', type: 'my-worker' }, 'all my-worker dynos'],
  ['nothing', undefined, {}, { kind: 'all' }, 'all dynos'],
  ['-d', undefined, { 'dyno-name': 'worker.2' }, { kind: 'dyno', name: 'worker.2' }, 'dyno worker.2'],
  ['-p', undefined, { 'process-type': 'worker' }, { kind: 'type', type: 'worker' }, 'all worker dynos'],
];

for (const [name, arg, flags, expected, words] of targets) {
  test(`ps:restart and ps:stop read ${name} as ${words}`, () => {
    const target = dynoTarget(arg, flags);
    assert.deepEqual(target, expected);
    assert.equal(describeTarget(target), words);
  });
}

test('ps:restart refuses two targets at once', () => {
  assert.throws(() => dynoTarget('web', { 'dyno-name': 'web.1' }), UsageError);
});
