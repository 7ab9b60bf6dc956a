import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { herokuPolicy, herokuPolicyWith, jitterMs, planApp, type DesiredProcess, type LiveDyno, type PlanAction } from '../../src/core/dyno-plan.js';

const web = (quantity: number, releaseVersion = 2, size = 'standard-1x'): DesiredProcess => ({ type: 'web', quantity, size, command: 'node server.js', releaseVersion });
const worker = (quantity: number, releaseVersion = 2): DesiredProcess => ({ type: 'worker', quantity, size: 'standard-1x', command: 'node worker.js', releaseVersion });
const NOW = 1_000_000_000;
let seq = 0;
function dyno(p: DesiredProcess, index: number, state: LiveDyno['state'], extra: Partial<LiveDyno> = {}): LiveDyno {
  return { id: `d${++seq}`, type: p.type, index, releaseVersion: p.releaseVersion, size: p.size, command: p.command, state, startedAt: NOW - 60_000, stateChangedAt: NOW - 50_000, crashCount: 0, ...extra };
}
const starts = (actions: PlanAction[]) => actions.filter((a) => a.kind === 'start').map((a) => (a.kind === 'start' ? `${a.type}.${a.index}:${a.reason}` : ''));
const stops = (actions: PlanAction[]) => actions.filter((a) => a.kind === 'stop').map((a) => (a.kind === 'stop' ? `${a.dynoId}:${a.reason}` : ''));

describe('planApp', () => {
  it('starts every missing dyno of a fresh formation', () => {
    const plan = planApp([web(2), worker(1)], [], NOW);
    assert.deepEqual(starts(plan.actions), ['web.1:scale', 'web.2:scale', 'worker.1:scale']);
    assert.deepEqual(stops(plan.actions), []);
  });

  it('does nothing when the live dynos match the formation', () => {
    const p = web(2);
    const plan = planApp([p], [dyno(p, 1, 'up'), dyno(p, 2, 'starting')], NOW);
    assert.deepEqual(plan.actions, []);
  });

  it('leaves an idle web dyno alone (the router wakes it), even past its daily cycle', () => {
    const p = web(1);
    const idle = dyno(p, 1, 'idle', { startedAt: NOW - 48 * 3_600_000 });
    assert.deepEqual(planApp([p], [idle], NOW).actions, []);
  });

  it('replaces an idle web dyno on a new release and stops it when scaled to zero', () => {
    const idle = dyno(web(1, 2), 1, 'idle');
    const next = planApp([web(1, 3)], [idle], NOW);
    assert.deepEqual([starts(next.actions), stops(next.actions)], [['web.1:release'], [`${idle.id}:replaced`]]);
    assert.deepEqual(stops(planApp([web(0)], [idle], NOW).actions), [`${idle.id}:type-removed`]);
  });

  it('scales down by stopping the highest indexes', () => {
    const p = web(1);
    const a = dyno(p, 1, 'up');
    const b = dyno(p, 2, 'up');
    const c = dyno(p, 3, 'up');
    assert.deepEqual(stops(planApp([p], [a, b, c], NOW).actions), [`${b.id}:scale-down`, `${c.id}:scale-down`]);
  });

  it('stops every dyno of a type scaled to zero or no longer declared', () => {
    const w = worker(1);
    const d = dyno(w, 1, 'up');
    assert.deepEqual(stops(planApp([worker(0)], [d], NOW).actions), [`${d.id}:type-removed`]);
    assert.deepEqual(stops(planApp([], [d], NOW).actions), [`${d.id}:type-removed`]);
  });

  it('rolls a new release with a surge: the old web dyno keeps serving until the new one is up', () => {
    const old = dyno(web(1, 1), 1, 'up');
    let plan = planApp([web(1, 2)], [old], NOW);
    assert.deepEqual(starts(plan.actions), ['web.1:release']);
    assert.deepEqual(stops(plan.actions), []);
    const booting = dyno(web(1, 2), 1, 'starting', { startedAt: NOW });
    plan = planApp([web(1, 2)], [old, booting], NOW);
    assert.deepEqual(plan.actions, []);
    const upNew = { ...booting, state: 'up' as const };
    plan = planApp([web(1, 2)], [old, upNew], NOW);
    assert.deepEqual(stops(plan.actions), [`${old.id}:replaced`]);
    assert.deepEqual(starts(plan.actions), []);
  });

  it('retire stale: releases in quick succession on a slow-booting app leave one old dyno serving and one new dyno booting', () => {
    const serving = dyno(web(1, 1), 1, 'up');
    const superseded = [2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => dyno(web(1, v), 1, 'starting', { startedAt: NOW - 1000 + v }));
    const plan = planApp([web(1, 11)], [serving, ...superseded], NOW);
    assert.deepEqual(starts(plan.actions), ['web.1:release']);
    assert.deepEqual(stops(plan.actions), superseded.map((d) => `${d.id}:replaced`));
  });

  it('retire stale: of two old web dynos up at one index only the newer keeps serving', () => {
    const older = dyno(web(1, 1), 1, 'up');
    const newer = dyno(web(1, 2), 1, 'up', { startedAt: NOW - 30_000 });
    const booting = dyno(web(1, 3), 1, 'starting', { startedAt: NOW });
    const plan = planApp([web(1, 3)], [older, newer, booting], NOW);
    assert.deepEqual(stops(plan.actions), [`${older.id}:replaced`]);
    assert.deepEqual(starts(plan.actions), []);
  });

  it('keeps the old release serving when the new web dyno crashes while booting', () => {
    const old = dyno(web(1, 1), 1, 'up');
    const failed = dyno(web(1, 2), 1, 'crashed', { crashCount: 2, startedAt: NOW - 5_000, stateChangedAt: NOW - 1_000 });
    const plan = planApp([web(1, 2)], [old, failed], NOW);
    assert.deepEqual(stops(plan.actions), []);
    assert.ok(plan.notes.some((n) => /web\.1 of v2 crashed while booting; v1 keeps serving/.test(n)), plan.notes.join('\n'));
  });

  it('stops an old worker before starting its replacement', () => {
    const old = dyno(worker(1, 1), 1, 'up');
    const plan = planApp([worker(1, 2)], [old], NOW);
    assert.deepEqual(stops(plan.actions), [`${old.id}:replaced`]);
    assert.deepEqual(starts(plan.actions), []);
    assert.deepEqual(starts(planApp([worker(1, 2)], [], NOW).actions), ['worker.1:scale']);
  });

  it('restarts a dyno at once after its first crash', () => {
    const p = web(1);
    const crashed = dyno(p, 1, 'crashed', { crashCount: 1, stateChangedAt: NOW });
    const plan = planApp([p], [crashed], NOW);
    assert.equal(plan.actions.length, 1);
    assert.deepEqual(plan.actions[0], { kind: 'start', type: 'web', index: 1, releaseVersion: 2, size: 'standard-1x', command: 'node server.js', reason: 'restart-after-crash', crashCount: 1, replaces: crashed.id });
  });

  it('waits a growing cool-off after repeated crashes and says when it will restart', () => {
    const p = web(1);
    const crashed = dyno(p, 1, 'crashed', { crashCount: 3, startedAt: NOW - 2_000, stateChangedAt: NOW - 1_000 });
    const plan = planApp([p], [crashed], NOW);
    assert.deepEqual(plan.actions, []);
    assert.equal(plan.wakeAt, NOW - 1_000 + 20_000);
    assert.match(plan.notes[0] ?? '', /web\.1 crashed; restarting in 19s \(crash 3\)/);
    assert.deepEqual(starts(planApp([p], [crashed], NOW + 19_000).actions), ['web.1:restart-after-crash']);
  });

  it('caps the cool-off at 20 minutes', () => {
    assert.equal(herokuPolicy.coolOffMs(1), 0);
    assert.equal(herokuPolicy.coolOffMs(2), 10_000);
    assert.equal(herokuPolicy.coolOffMs(3), 20_000);
    assert.equal(herokuPolicy.coolOffMs(50), 20 * 60_000);
  });

  it('doubles a shorter configured cool-off the same way, still restarting at once after the first crash', () => {
    const policy = herokuPolicyWith({ crashCoolOffMs: 1_000 });
    assert.equal(policy.coolOffMs(1), 0);
    assert.equal(policy.coolOffMs(2), 1_000);
    assert.equal(policy.coolOffMs(3), 2_000);
    assert.equal(policy.coolOffMs(50), 20 * 60_000);
  });

  it('forgets earlier crashes when the dyno had been up for a stable period', () => {
    const p = web(1);
    const crashed = dyno(p, 1, 'crashed', { crashCount: 7, startedAt: NOW - 3_600_000, stateChangedAt: NOW });
    const plan = planApp([p], [crashed], NOW);
    assert.equal(plan.actions[0]?.kind === 'start' && plan.actions[0].crashCount, 1);
  });

  it('clears the crashed record once its replacement is running', () => {
    const p = web(1);
    const crashed = dyno(p, 1, 'crashed', { crashCount: 1 });
    const replacement = dyno(p, 1, 'starting', { startedAt: NOW });
    assert.deepEqual(stops(planApp([p], [crashed, replacement], NOW).actions), [`${crashed.id}:crashed-record`]);
  });

  it('cycles a dyno after 24 hours plus its jitter, one at a time per type', () => {
    const p = web(2);
    const a = dyno(p, 1, 'up', { startedAt: NOW - 30 * 3_600_000 });
    const b = dyno(p, 2, 'up', { startedAt: NOW - 30 * 3_600_000 });
    const plan = planApp([p], [a, b], NOW);
    assert.deepEqual(starts(plan.actions), ['web.1:cycle']);
    assert.deepEqual(stops(plan.actions), []);
    const fresh = dyno(p, 1, 'up', { startedAt: NOW });
    assert.deepEqual(stops(planApp([p], [a, fresh, b], NOW).actions), [`${a.id}:replaced`]);
  });

  it('wakes up when the next dyno is due for cycling', () => {
    const p = web(1);
    const a = dyno(p, 1, 'up', { startedAt: NOW });
    assert.equal(planApp([p], [a], NOW).wakeAt, NOW + herokuPolicy.cycleAfterMs(a.id));
  });

  it('spreads cycling with a jitter of at most 216 minutes that is stable per dyno', () => {
    for (const id of ['a', 'b', 'web.1-xyz', '5c2d']) {
      assert.equal(jitterMs(id), jitterMs(id));
      assert.ok(jitterMs(id) >= 0 && jitterMs(id) <= 216 * 60_000);
    }
  });

  it('rolls a restart like a deploy: dynos older than the restart are replaced with a surge', () => {
    const p = { ...web(1), restartedAt: NOW - 1_000 };
    const old = dyno(p, 1, 'up', { startedAt: NOW - 60_000 });
    assert.deepEqual(starts(planApp([p], [old], NOW).actions), ['web.1:restart']);
    const fresh = dyno(p, 1, 'up', { startedAt: NOW });
    assert.deepEqual(stops(planApp([p], [old, fresh], NOW).actions), [`${old.id}:replaced`]);
  });

  it('rolls the restart of one dyno alone: only that index surges, the others keep running', () => {
    const p = { ...web(2), indexRestartedAt: { 2: NOW - 1_000 } };
    const one = dyno(p, 1, 'up', { startedAt: NOW - 60_000 });
    const two = dyno(p, 2, 'up', { startedAt: NOW - 60_000 });
    const plan = planApp([p], [one, two], NOW);
    assert.deepEqual(starts(plan.actions), ['web.2:restart']);
    assert.deepEqual(stops(plan.actions), [], 'web.2 keeps serving until its replacement is up');
    const fresh = dyno(p, 2, 'up', { startedAt: NOW });
    assert.deepEqual(stops(planApp([p], [one, two, fresh], NOW).actions), [`${two.id}:replaced`]);
  });

  it('stops a worker dyno restarted alone before its replacement starts (never two workers at one index)', () => {
    const w = { ...worker(1), indexRestartedAt: { 1: NOW - 1_000 } };
    const old = dyno(w, 1, 'up', { startedAt: NOW - 60_000 });
    const plan = planApp([w], [old], NOW);
    assert.deepEqual(stops(plan.actions), [`${old.id}:replaced`]);
    assert.deepEqual(starts(plan.actions), []);
  });

  it('replaces dynos whose size changed', () => {
    const old = dyno(web(1, 2, 'standard-1x'), 1, 'up');
    assert.deepEqual(starts(planApp([web(1, 2, 'standard-2x')], [old], NOW).actions), ['web.1:resize']);
  });
});

describe('plan rules, one per dyno index', () => {
  it('retire unwanted: forgets the crashed record of a removed type and leaves dynos already stopping alone', () => {
    const w = worker(1);
    const crashed = dyno(w, 1, 'crashed');
    assert.deepEqual(stops(planApp([], [crashed], NOW).actions), [`${crashed.id}:crashed-record`]);
    const p = web(1);
    const stopping = dyno(p, 2, 'stopping');
    assert.deepEqual(planApp([p], [dyno(p, 1, 'up'), stopping], NOW).actions, []);
  });

  it('restart after crash: restarts a crashed new web dyno once its cool-off is over, while the old release keeps serving', () => {
    const old = dyno(web(1, 1), 1, 'up');
    const failed = dyno(web(1, 2), 1, 'crashed', { crashCount: 2, startedAt: NOW - 30_000, stateChangedAt: NOW - 20_000 });
    const plan = planApp([web(1, 2)], [old, failed], NOW);
    assert.deepEqual(starts(plan.actions), ['web.1:restart-after-crash']);
    assert.deepEqual(stops(plan.actions), []);
  });

  it('surge: starts nothing at an index where a current dyno is already starting', () => {
    const p = web(2);
    const plan = planApp([p], [dyno(p, 1, 'starting'), dyno(web(2, 1), 2, 'up')], NOW);
    assert.deepEqual(starts(plan.actions), ['web.2:release']);
  });

  it('retire stale: each index retires its old web dyno on its own, once its own new dyno is up', () => {
    const p = web(2, 2);
    const old1 = dyno(web(2, 1), 1, 'up');
    const old2 = dyno(web(2, 1), 2, 'up');
    const plan = planApp([p], [old1, old2, dyno(p, 1, 'up', { startedAt: NOW }), dyno(p, 2, 'starting', { startedAt: NOW })], NOW);
    assert.deepEqual(stops(plan.actions), [`${old1.id}:replaced`]);
    assert.deepEqual(starts(plan.actions), []);
  });

  it('drop stale crashes: forgets the crashed dyno of an older release at once', () => {
    const p = worker(1, 2);
    const oldCrash = dyno(worker(1, 1), 1, 'crashed');
    const plan = planApp([p], [oldCrash], NOW);
    assert.deepEqual(stops(plan.actions), [`${oldCrash.id}:crashed-record`]);
    assert.deepEqual(starts(plan.actions), ['worker.1:release']);
  });

  it('finish surge: keeps both dynos of an index while the newer one is still starting', () => {
    const p = web(1);
    const plan = planApp([p], [dyno(p, 1, 'up', { startedAt: NOW - 60_000 }), dyno(p, 1, 'starting', { startedAt: NOW })], NOW);
    assert.deepEqual(plan.actions, []);
  });

  it('clear crashed: keeps the crashed record while nothing has replaced it yet', () => {
    const p = web(1);
    const crashed = dyno(p, 1, 'crashed', { crashCount: 4, startedAt: NOW - 2_000, stateChangedAt: NOW - 1_000 });
    assert.deepEqual(stops(planApp([p], [crashed], NOW).actions), []);
  });

  it('cycle: cycles one dyno per type, so a web and a worker cycle together, but not during a surge of the type', () => {
    const w = web(2);
    const k = worker(1);
    const day = NOW - 30 * 3_600_000;
    const a = dyno(w, 1, 'up', { startedAt: day });
    const b = dyno(w, 2, 'up', { startedAt: day });
    const c = dyno(k, 1, 'up', { startedAt: day });
    const plan = planApp([w, k], [a, b, c], NOW);
    assert.deepEqual(starts(plan.actions), ['web.1:cycle', 'worker.1:cycle']);
    assert.deepEqual(stops(plan.actions), [`${c.id}:replaced`], 'a worker stops first; a web dyno surges');
    // web.1's replacement is booting: web.2 waits its turn.
    const booting = dyno(w, 1, 'starting', { startedAt: NOW });
    assert.deepEqual(starts(planApp([w], [a, booting, b], NOW).actions), []);
  });

  it('plans each action once: every rule covers its own dynos', () => {
    const p = web(3);
    const crashed = dyno(p, 1, 'crashed', { crashCount: 1, stateChangedAt: NOW });
    const oldCrash = dyno(web(3, 1), 2, 'crashed');
    const older3 = dyno(p, 3, 'up');
    const extra = dyno(p, 4, 'up');
    const live = [crashed, dyno(web(3, 1), 1, 'up'), oldCrash, dyno(p, 2, 'up', { startedAt: NOW - 30 * 3_600_000 }), older3, dyno(p, 3, 'up', { startedAt: NOW }), extra];
    const keys = planApp([p], live, NOW).actions.map((a) => (a.kind === 'stop' ? `stop:${a.dynoId}` : `start:${a.type}.${a.index}`));
    // web.2 is due for cycling but waits: web.3 is finishing a surge.
    assert.deepEqual(keys, [`stop:${extra.id}`, 'start:web.1', `stop:${oldCrash.id}`, `stop:${older3.id}`]);
  });
});
