// Heroku Scheduler timing accuracy: how long after a job's scheduled second its dyno's command
// actually runs. One job with the cron `* * * * *`, RUNS runs (after one warm-up), through the
// real runner (src/deploy/scheduler-jobs.ts), the real DynoService and dyno supervisor, real
// bubblewrap dynos (src/runtime) and a real SQLite store. The command is `date +%s%N`: the
// dyno prints the real time at which it ran.
//
// Shortened tick: a cron minute lasts TICK_MS of real time (default 2000 ms), so 30 runs take a
// minute, not half an hour. The runner's clock and timers are scaled (virtual time = 60000/TICK_MS
// × real time since the start); every delay reported is in real milliseconds, measured against the
// real instant the scheduled second maps to. The scaling only shortens the waits between runs:
// timer slack, store queries and dyno start-up are paid in real time.
//
// Run as root:  unset NODE_EXTRA_CA_CERTS; node dist/bench/scheduler-accuracy/run.js [--runs 30] [--tick-ms 2000]
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynoSupervisor } from '../../src/agent/dyno-supervisor.js';
import type { DynoEvent, DynoHost } from '../../src/core/dyno-host.js';
import { nextCronRun, parseCron } from '../../src/core/cron-expression.js';
import { DynoService } from '../../src/deploy/dyno-service.js';
import { SchedulerJobs, type SchedulerEvent } from '../../src/deploy/scheduler-jobs.js';
import { Runtime } from '../../src/runtime/runtime.js';
import { DynoManager } from '../../src/scheduler/dyno-manager.js';
import { StoreDesiredSource } from '../../src/scheduler/store-desired-source.js';
import { openStore } from '../../src/store/open-store.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '30' }, 'tick-ms': { type: 'string', default: '2000' } } });
const RUNS = Number(values.runs);
const TICK_MS = Number(values['tick-ms']);
const SCALE = 60_000 / TICK_MS;
const note = (message: string) => process.stderr.write(`${message}\n`);

/** Virtual time runs SCALE times faster than real time from `realStart`, starting at `virtualStart`. */
function scaledClock(virtualStart: number) {
  const realStart = Date.now();
  return {
    now: () => virtualStart + (Date.now() - realStart) * SCALE,
    toReal: (virtual: number) => realStart + (virtual - virtualStart) / SCALE,
    timers: {
      after(ms: number, fn: () => void) {
        const timer = setTimeout(fn, ms / SCALE);
        return () => clearTimeout(timer);
      },
    },
  };
}

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const rank = (q: number) => s[Math.max(0, Math.ceil(q * s.length) - 1)] ?? NaN;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { p50: round(rank(0.5)), p90: round(rank(0.9)), p99: round(rank(0.99)), min: round(s[0] ?? NaN), max: round(s.at(-1) ?? NaN), mean: round(s.reduce((a, b) => a + b, 0) / s.length), n: s.length };
}

async function main(): Promise<void> {
  const root = await mkdtemp(join(tmpdir(), 'berth-bench-sched-'));
  const store = await openStore({ kind: 'sqlite', path: join(root, 'state.sqlite') });
  const runtime = new Runtime({ prefix: `s${randomBytes(3).toString('hex').slice(0, 5)}`, stateDir: join(root, 'dynos'), standby: 2 });
  /** Dyno name → the real ms its command printed (the supervisor's log stream knows names, not ids). */
  const printedBy = new Map<string, number>();
  const listeners = new Set<(event: DynoEvent) => void>();
  const supervisor = new DynoSupervisor({
    runtime,
    now: () => Date.now(),
    logs: {
      append: () => undefined,
      async ingest(_appId, source, process, stream) {
        let text = '';
        for await (const chunk of stream) text += String(chunk);
        const ns = /^(\d{16,})$/m.exec(text)?.[1];
        if (source === 'app' && ns) printedBy.set(process, Number(BigInt(ns) / 1000n) / 1000);
      },
    },
    onChange: (record, previous) => {
      for (const listener of listeners) listener({ kind: 'state', dyno: record, previous });
    },
  });
  const host: DynoHost = {
    list: async () => supervisor.list(),
    start: (launch) => supervisor.start(launch),
    stop: (id, graceMs) => supervisor.stop(id, graceMs),
    forget: async (id) => supervisor.forget(id),
    onEvent(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
  let scheduler: SchedulerJobs | undefined;
  try {
    await runtime.standbyFilled();
    const owner = await store.accounts.create({ email: 'bench@example.test', passwordHash: null });
    const app = await store.apps.create({ name: 'sched-bench', ownerId: owner.id, region: 'local', stack: 'heroku-24' });
    const slug = await store.slugs.create({ appId: app.id, processTypes: {}, stack: 'heroku-24', size: 0, checksum: `SHA256:${'0'.repeat(64)}`, commit: null });
    await store.releases.create({ appId: app.id, slugId: slug.id, description: 'bench', user: null });
    const slugDir = join(root, 'slug');
    const slugs = { ensure: async () => slugDir };
    await mkdir(slugDir);
    const manager = new DynoManager({ host, source: new StoreDesiredSource(store), slugs, now: () => Date.now(), log: () => undefined });
    const dynos = new DynoService({ store, manager, slugDirs: slugs, agent: host });
    const clock = scaledClock(Date.UTC(2026, 0, 1, 0, 0, 30));
    const cron = parseCron('* * * * *');
    const started: Array<Extract<SchedulerEvent, { kind: 'started' }>> = [];
    scheduler = new SchedulerJobs({
      store,
      dynos,
      host,
      now: clock.now,
      timers: clock.timers,
      emit: () => undefined,
      log: (event) => note(JSON.stringify(event)),
      observe: (event) => {
        if (event.kind === 'started') started.push(event);
        if (event.kind === 'skipped' || event.kind === 'failed-to-start') note(`run not started: ${JSON.stringify(event)}`);
      },
    });
    await store.schedulerJobs.create({ appId: app.id, command: 'date +%s%N', size: 'standard-1x', frequency: 'cron', at: null, cron: '* * * * *', nextRunAt: new Date(nextCronRun(cron, clock.now()) as number).toISOString() });
    note(`scheduler-accuracy: ${RUNS} runs + 1 warm-up, one cron minute = ${TICK_MS} ms of real time`);
    await scheduler.start();
    const total = RUNS + 1;
    const deadline = Date.now() + (total + 5) * TICK_MS + 30_000;
    while (started.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, TICK_MS / 4));
    // Let the last dynos print and exit.
    const endBy = Date.now() + 10_000;
    while (Date.now() < endBy && started.some((s) => !printedBy.has(s.dyno.name))) await new Promise((r) => setTimeout(r, 50));
    scheduler.stop();
    const measured = started.slice(1, total);
    const dispatch: number[] = [];
    const command: number[] = [];
    for (const run of measured) {
      const dueReal = clock.toReal(run.dueAt);
      dispatch.push(run.dyno.startedAt - dueReal);
      const ran = printedBy.get(run.dyno.name);
      if (ran !== undefined) command.push(ran - dueReal);
    }
    const result = {
      benchmark: 'scheduler-accuracy',
      shortened_tick: { cron_minute_real_ms: TICK_MS, note: `one cron minute lasted ${TICK_MS} ms of real time (the runner's clock and timers scaled ×${SCALE}); delays are real milliseconds after the real instant of the scheduled second` },
      job: { cron: '* * * * *', command: 'date +%s%N', size: 'standard-1x' },
      runs: measured.length,
      warm_up_runs: 1,
      start_delay_ms: stats(command),
      dispatch_delay_ms: stats(dispatch),
      definitions: {
        start_delay_ms: "scheduled second → the dyno's command ran (the time `date` printed inside the dyno)",
        dispatch_delay_ms: 'scheduled second → the dyno supervisor created the dyno record (sandbox being set up)',
        p99: `nearest rank over ${measured.length} runs (with 30 runs it is the slowest one)`,
      },
      loadavg_1m: loadavg()[0],
      cores: cpus().length,
      missing_output: measured.length - command.length,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    scheduler?.stop();
    await runtime.shutdown({ killDynos: true }).catch((err: unknown) => note(`runtime shutdown: ${String(err)}`));
    await store.close();
    await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
