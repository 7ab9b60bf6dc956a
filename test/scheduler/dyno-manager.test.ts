import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DynoRecord } from '../../src/core/dyno-host.js';
import { herokuPolicy } from '../../src/core/dyno-plan.js';
import { DynoManager, type AppDesire, type DesiredSource, type ManagerEvent } from '../../src/scheduler/dyno-manager.js';
import { EventQueue } from '../support/event-queue.js';
import { supervisedHost } from '../support/supervised-host.js';

const APP = 'app-1';
const DAY = 24 * 3_600_000;

type Seen = ManagerEvent | { kind: 'error'; appId: string; error: string };

function describeEvent(e: Seen): string {
  switch (e.kind) {
    case 'planned':
      return `planned ${e.plan.actions.map((a) => (a.kind === 'start' ? `start ${a.type}.${a.index} (${a.reason})` : `stop ${a.name} (${a.reason})`)).join(', ') || 'nothing'}${e.plan.notes.length ? ` — ${e.plan.notes.join('; ')}` : ''}`;
    case 'started':
      return `started ${e.dyno.name} v${e.dyno.releaseVersion} (${e.reason})`;
    case 'error':
      return `error ${e.error}`;
    default:
      return `${e.kind}${'dynoId' in e ? ` ${e.dynoId}` : ''}`;
  }
}

function desire(version: number, formation: Record<string, number>): AppDesire {
  return {
    appId: APP,
    appName: 'shop',
    release: { id: `release-${version}`, version, slugId: `slug-${version}` },
    processes: Object.entries(formation).map(([type, quantity]) => ({ type, quantity, size: 'standard-1x', command: `node ${type}.js`, releaseVersion: version })),
    env: {},
    runtimeMetrics: false,
  };
}

/** A dyno manager over the supervised fake host, an in-memory desired state and named events. */
function managed(initial: AppDesire | undefined, sampleEveryMs = 365 * DAY) {
  const h = supervisedHost(sampleEveryMs);
  const desires = new Map<string, AppDesire>(initial ? [[APP, initial]] : []);
  const source: DesiredSource = { load: async (appId) => desires.get(appId), appIds: async () => [...desires.keys()] };
  const events = new EventQueue<Seen>(describeEvent);
  const logs: string[] = [];
  const manager = new DynoManager({
    host: h.host,
    source,
    slugs: { ensure: async (slugId) => `/slugs/${slugId}` },
    now: h.clock.now,
    timers: h.clock,
    log: (_appId, process, message) => void logs.push(`${process}: ${message}`),
    observe: (event) => {
      if (event.kind === 'started') psAtStart.push(live());
      events.push(event);
    },
    onError: (appId, err) => events.push({ kind: 'error', appId, error: String(err) }),
  });
  /** What ps listed at the moment each dyno was started. */
  const psAtStart: string[][] = [];
  /** The next event of `kind` that matches; an error event fails the test at once (as flynn's do). */
  const next = async <K extends ManagerEvent['kind']>(kind: K, match: (e: Extract<ManagerEvent, { kind: K }>) => boolean = () => true, what: string = kind) => {
    const event = await events.next(what, (e) => {
      if (e.kind === 'error') throw new Error(`the loop failed: ${e.error}`);
      return e.kind === kind && match(e as Extract<ManagerEvent, { kind: K }>);
    });
    return event as Extract<ManagerEvent, { kind: K }>;
  };
  const started = (name: string, reason?: string) => next('started', (e) => e.dyno.name === name && (reason === undefined || e.reason === reason), `started ${name}${reason ? ` (${reason})` : ''}`);
  const live = (): string[] => manager.list(APP).map((d) => `${d.name} v${d.releaseVersion} ${d.state}`);
  return { ...h, desires, manager, events, logs, next, started, live, psAtStart, set: (d: AppDesire) => desires.set(APP, d) };
}

describe('dyno manager', () => {
  it('starts every dyno of the formation, and a new manager adopts them without restarting any', async () => {
    const m = managed(desire(2, { web: 2, worker: 1 }));
    await m.manager.start();
    for (const name of ['web.1', 'web.2', 'worker.1']) await m.started(name, 'scale');
    await m.reaches('web.2', 'up');
    await m.manager.idle();
    assert.deepEqual(m.live(), ['web.1 v2 up', 'web.2 v2 up', 'worker.1 v2 up']);
    m.manager.stop();

    const events = new EventQueue<ManagerEvent>();
    const again = new DynoManager({ host: m.host, source: { load: async (id) => m.desires.get(id), appIds: async () => [APP] }, slugs: { ensure: async (s) => s }, now: m.clock.now, timers: m.clock, log: () => undefined, observe: events.push });
    await again.start();
    const { plan } = (await events.next('planned', (e) => e.kind === 'planned')) as Extract<ManagerEvent, { kind: 'planned' }>;
    assert.deepEqual(plan.actions, []);
    assert.equal(m.runtime.dynos.length, 3);
    again.stop();
  });

  it('restarts a crashed dyno at once, then forgets the crashed record', async () => {
    const m = managed(desire(2, { web: 1 }));
    await m.manager.start();
    const first = (await m.started('web.1')).dyno;
    await m.reaches('web.1', 'up');
    m.runtime.dyno('web.1').exit(1);
    const restart = await m.started('web.1', 'restart-after-crash');
    assert.equal(restart.dyno.crashCount, 1);
    await m.next('forgotten', (e) => e.dynoId === first.id);
    await m.reaches('web.1', 'up');
    await m.manager.idle();
    assert.deepEqual(m.live(), ['web.1 v2 up']);
    m.manager.stop();
  });

  it('lists a restarted crashed dyno once, never beside its crashed record', async () => {
    const m = managed(desire(2, { web: 1 }));
    await m.manager.start();
    await m.reaches('web.1', 'up');
    m.runtime.dyno('web.1').exit(1);
    await m.started('web.1', 'restart-after-crash');
    // The fake dyno binds its port at once, so ps may show it up already.
    assert.deepEqual(m.psAtStart.at(-1)?.map((d) => d.replace(/ (starting|up)$/, ' live')), ['web.1 v2 live']);
    await m.manager.idle();
    m.manager.stop();
  });

  it('waits out the cool-off after a second crash, and restarts when the clock reaches it', async () => {
    const m = managed(desire(2, { web: 1 }));
    await m.manager.start();
    await m.reaches('web.1', 'up');
    m.runtime.dyno('web.1').exit(1);
    await m.started('web.1', 'restart-after-crash');
    await m.reaches('web.1', 'up');
    m.runtime.dyno('web.1').exit(1);
    const { plan } = await m.next('planned', (e) => e.plan.notes.length > 0, 'a plan that waits');
    assert.deepEqual(plan.actions, []);
    assert.deepEqual(plan.notes, ['web.1 crashed; restarting in 10s (crash 2)']);
    await m.manager.idle();
    assert.deepEqual(m.live(), ['web.1 v2 crashed']);
    m.clock.advance(herokuPolicy.coolOffMs(2));
    const restart = await m.started('web.1', 'restart-after-crash');
    assert.equal(restart.dyno.crashCount, 2);
    m.manager.stop();
  });

  it('rolls a new release with a surge: the old web dyno stops only once the new one is up', async () => {
    const m = managed(desire(2, { web: 1 }));
    await m.manager.start();
    const old = (await m.started('web.1')).dyno;
    await m.reaches('web.1', 'up');
    m.runtime.bindAtOnce = false;
    m.set(desire(3, { web: 1 }));
    m.manager.kick(APP);
    await m.started('web.1', 'release');
    await m.manager.idle();
    assert.deepEqual(m.live(), ['web.1 v2 up', 'web.1 v3 starting'], 'the old dyno keeps serving while the new one boots');
    assert.equal(m.events.has((e) => e.kind === 'stopped'), false);
    m.runtime.dyno('web.1').bind();
    await m.next('stopped', (e) => e.dynoId === old.id);
    assert.deepEqual(m.live(), ['web.1 v3 up']);
    m.manager.stop();
  });

  it('asks an old worker to stop before its replacement starts', async () => {
    const m = managed(desire(2, { worker: 1 }));
    await m.manager.start();
    const old = (await m.started('worker.1')).dyno;
    await m.reaches('worker.1', 'up');
    m.set(desire(3, { worker: 1 }));
    m.manager.kick(APP);
    await m.next('stopping', (e) => e.dynoId === old.id);
    assert.equal(m.events.seen.some((e) => e.kind === 'started' && e.dyno.releaseVersion === 3), false, 'nothing of v3 started before the old worker was asked to stop');
    // The stopping worker no longer counts: its replacement starts while it shuts down.
    const replacement = await m.started('worker.1');
    assert.equal(replacement.dyno.releaseVersion, 3);
    await m.next('stopped', (e) => e.dynoId === old.id);
    m.manager.stop();
  });

  it('scales down by stopping the highest indexes, and stops everything of an app that is gone', async () => {
    const m = managed(desire(2, { web: 3 }));
    await m.manager.start();
    await m.reaches('web.3', 'up');
    const byName = (name: string) => m.manager.list(APP).find((d) => d.name === name) as DynoRecord;
    const [two, three] = [byName('web.2'), byName('web.3')];
    m.set(desire(2, { web: 1 }));
    m.manager.kick(APP);
    await m.next('stopped', (e) => e.dynoId === two.id || e.dynoId === three.id);
    await m.next('stopped', (e) => e.dynoId === two.id || e.dynoId === three.id);
    assert.deepEqual(m.live(), ['web.1 v2 up']);
    m.desires.delete(APP);
    m.manager.kick(APP);
    await m.reaches('web.1', 'down');
    await m.manager.idle();
    assert.deepEqual(m.live(), []);
    m.manager.stop();
  });

  it('cycles a dyno after a day plus its jitter: Cycling in its log, then a surge', async () => {
    const m = managed(desire(2, { web: 1 }));
    await m.manager.start();
    const old = (await m.started('web.1')).dyno;
    await m.reaches('web.1', 'up');
    await m.manager.idle();
    m.clock.advance(herokuPolicy.cycleAfterMs(old.id) - 1);
    assert.equal(m.events.has((e) => e.kind === 'started' && e.reason === 'cycle'), false);
    m.clock.advance(1);
    await m.started('web.1', 'cycle');
    assert.deepEqual(m.logs, ['web.1: Cycling']);
    await m.next('stopped', (e) => e.dynoId === old.id);
    assert.deepEqual(m.live(), ['web.1 v2 up']);
    m.manager.stop();
  });

  it('starts a formation dyno again once ps:stop has asked it to stop', async () => {
    const m = managed(desire(2, { worker: 1 }));
    await m.manager.start();
    const first = (await m.started('worker.1')).dyno;
    await m.reaches('worker.1', 'up');
    const stopped = m.manager.stopDyno(first.id);
    await m.next('stopping', (e) => e.dynoId === first.id);
    const again = await m.started('worker.1', 'scale');
    assert.notEqual(again.dyno.id, first.id);
    await stopped;
    await m.next('stopped', (e) => e.dynoId === first.id);
    await m.manager.idle();
    assert.deepEqual(m.live(), ['worker.1 v2 up']);
    m.manager.stop();
  });

  it('rolls the restart of one web dyno: the old one serves until its replacement is up, its sibling is untouched', async () => {
    const m = managed(desire(2, { web: 2 }));
    await m.manager.start();
    await m.reaches('web.1', 'up');
    await m.reaches('web.2', 'up');
    m.clock.advance(1000);
    const before = m.runtime.dynos.filter((d) => d.name === 'web.1').length;
    m.manager.restartDyno(APP, 'web', 2);
    const replacement = await m.started('web.2', 'restart');
    assert.equal(m.events.has((e) => e.kind === 'stopping'), false, 'nothing stops before the replacement is up');
    await m.reaches('web.2', 'up');
    await m.next('stopped', (e) => e.dynoId !== replacement.dyno.id);
    await m.manager.idle();
    assert.deepEqual(m.live(), ['web.1 v2 up', 'web.2 v2 up']);
    assert.equal(m.runtime.dynos.filter((d) => d.name === 'web.1').length, before, 'web.1 was not restarted');
    m.manager.stop();
  });

  it('rolls ps:restart like a deploy, replacing only dynos started before it', async () => {
    const m = managed(desire(2, { web: 1, worker: 1 }));
    await m.manager.start();
    await m.reaches('worker.1', 'up');
    await m.reaches('web.1', 'up');
    m.clock.advance(1000);
    m.manager.restart(APP, 'web');
    await m.started('web.1', 'restart');
    await m.next('stopped');
    await m.manager.idle();
    assert.deepEqual(m.live(), ['web.1 v2 up', 'worker.1 v2 up']);
    assert.equal(m.runtime.dynos.filter((d) => d.name === 'worker.1').length, 1, 'the worker was not restarted');
    m.manager.stop();
  });
});
