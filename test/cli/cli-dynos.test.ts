import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DynoPort, OneOffRequest } from '../../src/api/context.js';
import type { DynoRecord } from '../../src/core/dyno-host.js';
import type { Plan } from '../../src/core/dyno-plan.js';
import type { App } from '../../src/core/model.js';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';
import { startFakeRendezvous, type FakeRendezvous } from './fake-rendezvous.js';

/** The dyno manager as the API sees it: dynos we set, and a record of what the API asked. */
class TestDynos implements DynoPort {
  dynos: DynoRecord[] = [];
  plans = new Map<string, Plan>();
  readonly runs: OneOffRequest[] = [];
  readonly restarts: string[] = [];
  readonly stops: string[] = [];
  attachUrl = '';

  list(appId: string): DynoRecord[] {
    return this.dynos.filter((d) => d.appId === appId);
  }
  restart(appId: string, type?: string): void {
    this.restarts.push(type ?? 'all');
  }
  restartDyno(_appId: string, type: string, index: number): void {
    this.restarts.push(`${type}.${index}`);
  }
  async stop(dynoId: string): Promise<void> {
    this.stops.push(dynoId);
  }
  async run(app: App, request: OneOffRequest): Promise<DynoRecord> {
    this.runs.push(request);
    return record(app, `run.${this.runs.length}`, request.command, request.attach ? this.attachUrl : null, 'starting');
  }
  async plan(appId: string): Promise<Plan> {
    return this.plans.get(appId) ?? { actions: [], notes: [] };
  }
}

function record(app: App, name: string, command: string, attachUrl: string | null = null, state: DynoRecord['state'] = 'up'): DynoRecord {
  const [type, index] = name.split('.') as [string, string];
  const at = Date.now() - 90_000;
  return {
    id: `dyno-${name}`,
    appId: app.id,
    appName: app.name,
    type,
    index: Number(index),
    name,
    releaseId: 'release-1',
    releaseVersion: 2,
    size: 'standard-1x',
    command,
    state,
    startedAt: at,
    stateChangedAt: at,
    crashCount: 0,
    oneOff: type === 'run',
    exitCode: null,
    lastError: null,
    attachUrl,
  };
}

const dynos = new TestDynos();
let rendezvous: FakeRendezvous;
let home: string;
let key: string;
let app: App;

const api = useApi({ overrides: { dynos } }, async (started) => {
  const user = await started.createUser('dynos@example.test');
  key = user.key;
  // ps:type to performance-m needs a quota above the default (test/api/quotas.test.ts).
  const quota = await started.request('/accounts/dynos@example.test/quota', { method: 'PATCH', key: started.adminKey, body: JSON.stringify({ max_size: 'performance-m' }) });
  assert.equal(quota.status, 200, await quota.text());
  const res = await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: 'dyno-app' }) });
  app = (await started.store.apps.findByName('dyno-app')) as App;
  assert.equal(res.status, 201);
  const slug = await started.store.slugs.create({ appId: app.id, processTypes: { web: 'node server.js', worker: 'node worker.js' }, stack: 'berth-24', size: 100 });
  await started.store.releases.create({ appId: app.id, slugId: slug.id, description: 'Deploy 1a2b3c4', user: { id: user.accountId, email: 'dynos@example.test' } });
});
before(async () => {
  rendezvous = await startFakeRendezvous(3);
  home = await mkdtemp(join(tmpdir(), 'berth-cli-dynos-'));
  dynos.attachUrl = `rendezvous://127.0.0.1:${rendezvous.port}/secret-for-run`;
});
after(async () => {
  await rendezvous.close();
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: 'dyno-app', ...env }, cwd: home, ...(input === undefined ? {} : { input }) });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('run starts an attached dyno, talks to it over the rendezvous and exits with its status', async () => {
  const result = await berth(['run', '-e', 'A=1;B=2', 'cat', '-', '--size', 'standard-2x'], { NODE_EXTRA_CA_CERTS: rendezvous.caCertPath, TERM: 'xterm-256color' }, 'from stdin');
  assert.deepEqual(result, { code: 3, stdout: 'got: from stdin\n', stderr: 'Running cat - on dyno-app... up, run.1\nProcess exited with code 3\n' });
  const request = dynos.runs.at(-1);
  assert.equal(request?.command, 'cat -', 'sent as typed: the agent reports the exit status itself');
  assert.equal(request?.attach, true);
  assert.equal(request?.tty, false, 'stdin is not a terminal, so force_no_tty');
  assert.equal(request?.size, 'standard-2x');
  assert.deepEqual(request?.env, { A: '1', B: '2', TERM: 'xterm-256color' });
  assert.equal(rendezvous.secrets.at(-1), 'secret-for-run');
});

test('run without the Berth CA trusted fails with the NODE_EXTRA_CA_CERTS hint', async () => {
  const result = await berth(['run', 'true']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Running true on dyno-app\.\.\. failed\nError: Cannot verify the TLS certificate .*\nSet NODE_EXTRA_CA_CERTS/);
});

test('run:detached starts a dyno without attaching and says how to see its output', async () => {
  const result = await berth(['run:detached', 'rake', 'db:migrate']);
  assert.equal(result.code, 0, result.stderr);
  assert.match(result.stdout, /^Running rake db:migrate on dyno-app\.\.\. up, run\.\d+\nRun berth logs --app dyno-app --dyno run\.\d+ to view the output\.\n$/);
  assert.equal(dynos.runs.at(-1)?.attach, false);
  assert.equal(dynos.runs.at(-1)?.command, 'rake db:migrate');
});

test('ps groups the dynos the API lists, and --json prints them', async () => {
  dynos.dynos = [record(app, 'web.2', 'node server.js'), record(app, 'web.1', 'node server.js', null, 'crashed'), record(app, 'run.9', 'bash', 'rendezvous://x:1/y')];
  const result = await berth(['ps']);
  assert.equal(result.code, 0, result.stderr);
  const when = /web\.2: up (\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \(~ 1m ago\))/.exec(result.stdout)?.[1];
  assert.ok(when, result.stdout);
  assert.equal(
    result.stdout,
    [
      '=== run: one-off processes (1)',
      `run.9 (Standard-1X): up ${when}: bash`,
      '',
      '=== web (Standard-1X): node server.js (2)',
      `web.1: crashed ${when}`,
      `web.2: up ${when}`,
      '',
    ].join('\n'),
  );
  const json = JSON.parse((await berth(['ps', '--json'])).stdout) as { name: string }[];
  assert.deepEqual(json.map((d) => d.name), ['run.9', 'web.1', 'web.2']);
  assert.deepEqual(await berth(['ps', 'worker']), { code: 1, stdout: '', stderr: 'Error: No worker dynos on dyno-app.\nSee them all with `berth ps`; scale with `berth ps:scale`.\n' });
  dynos.dynos = [];
  assert.equal((await berth(['ps'])).stdout, 'No dynos on dyno-app\n');
});

test('ps --diff prints the formation plan, or Nothing to do', async () => {
  assert.equal((await berth(['ps', '--diff'])).stdout, 'Nothing to do\n');
  dynos.plans.set(app.id, { actions: [{ kind: 'stop', dynoId: 'd', name: 'worker.2', reason: 'scale-down' }], notes: ['web.1 crashed 3 times'] });
  assert.equal((await berth(['ps', '--diff'])).stdout, 'stop  worker.2: scaling down\nNote: web.1 crashed 3 times\n');
});

test('ps:restart restarts all dynos, a process type or one dyno', async () => {
  dynos.dynos = [record(app, 'web.1', 'node server.js')];
  assert.equal((await berth(['ps:restart'])).stdout, 'Restarting all dynos on dyno-app... done\n');
  assert.equal((await berth(['ps:restart', 'web'])).stdout, 'Restarting all web dynos on dyno-app... done\n');
  assert.equal((await berth(['ps:restart', 'web.1'])).stdout, 'Restarting dyno web.1 on dyno-app... done\n');
  assert.deepEqual(dynos.restarts.slice(-3), ['all', 'web', 'web.1']);
});

test('ps:stop rolls a formation dyno or type, stops a one-off dyno, and refuses to stop everything', async () => {
  dynos.dynos = [record(app, 'worker.1', 'node worker.js'), record(app, 'worker.2', 'node worker.js'), { ...record(app, 'run.4', 'bash'), oneOff: true }];
  const stops = dynos.stops.length;
  assert.equal((await berth(['ps:stop', 'worker.2'])).stdout, 'Stopping dyno worker.2 on dyno-app... done\n');
  assert.equal(dynos.restarts.at(-1), 'worker.2');
  assert.equal((await berth(['ps:stop', '-p', 'worker'])).stdout, 'Stopping all worker dynos on dyno-app... done\n');
  assert.equal(dynos.restarts.at(-1), 'worker');
  assert.equal(dynos.stops.length, stops, 'formation dynos roll; nothing was stopped outright');
  assert.equal((await berth(['ps:stop', 'run.4'])).stdout, 'Stopping dyno run.4 on dyno-app... done\n');
  assert.deepEqual(dynos.stops.slice(stops), ['dyno-run.4']);
  const none = await berth(['ps:stop']);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /^Error: Name a dyno or a process type to stop/);
  const missing = await berth(['ps:stop', 'web.7']);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /web\.7/);
});

test('ps:scale prints the formation, scales absolutely and relatively, resizes, and rejects bad arguments', async () => {
  assert.deepEqual(await berth(['ps:scale']), { code: 0, stdout: 'web=1:Standard-1X worker=0:Standard-1X\n', stderr: '' });
  assert.deepEqual(await berth(['ps:scale', 'web=3', 'worker+2:standard-2x']), {
    code: 0,
    stdout: 'Scaling dynos... done, now running web at 3:Standard-1X, worker at 2:Standard-2X\n',
    stderr: '',
  });
  assert.equal((await berth(['ps:scale', 'web-1'])).stdout, 'Scaling dynos... done, now running web at 2:Standard-1X\n');
  const bad = await berth(['ps:scale', 'web=lots:of']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /Invalid scale argument "web=lots:of"/);
  const unknown = await berth(['ps:scale', 'clock=1']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no clock process type/);
});

test('ps:type resizes one type or all and shows the sizes', async () => {
  const one = await berth(['ps:type', 'web=performance-m']);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^Scaling dynos on dyno-app\.\.\. done\n=== Process Types\nType +Size +Qty\nweb +Performance-M +2\nworker +Standard-2X +2\n\nSizes: Eco \(512 MB\), /);
  const all = await berth(['ps:type', 'basic']);
  assert.match(all.stdout, /web +Basic +2\nworker +Basic +2\n/);
  const listed = await berth(['ps:type']);
  assert.match(listed.stdout, /^=== Process Types\n/);
});
