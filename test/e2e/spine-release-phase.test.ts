// The release phase with an add-on database, through `bin/berth up`: a Procfile `release:` that
// migrates the app's heroku-postgresql database with psql succeeds (its dyno runs on the host
// agent, beside the add-on servers), the web dynos read what it wrote, a config change runs it
// again, and a failing release command keeps the previous release serving. A control plane killed
// mid-release leaves no release dyno running and the release failed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { shutDown, suffix, useBerth } from '../support/e2e-harness.js';
import { appRepo, type AppRepo, type PushResult } from '../support/git-push.js';
import { createApp, dynos, routerGet, waitForLogs } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

interface ReleaseJson {
  version: number;
  status: string;
  current: boolean;
}

describe('a release phase that migrates the app database', () => {
  const berth = useBerth();
  let app: string;
  let pushed: PushResult;

  const releases = async () => (await api(berth, `/apps/${app}/releases`)).body as ReleaseJson[];
  const setConfig = async (vars: Record<string, string | null>) => {
    const reply = await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify(vars) });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  };
  /** Waits until the release of `version` has left `pending`; returns its status. */
  const settled = (version: number) =>
    waitFor(`v${version} to leave pending`, async () => {
      const r = (await releases()).find((x) => x.version === version);
      return r && r.status !== 'pending' ? r.status : undefined;
    }, 60_000);

  before(async () => {
    app = await berth.createApp('release-db');
    const addon = await api(berth, `/apps/${app}/addons`, { method: 'POST', body: JSON.stringify({ plan: 'heroku-postgresql:essential-0' }) });
    assert.equal(addon.status, 201, JSON.stringify(addon.body));
    pushed = await (await berth.repo(app, 'release-database')).push();
  });

  it('runs the release command against DATABASE_URL during the push and releases', () => {
    const output = pushed.stdout + pushed.stderr;
    assert.equal(pushed.code, 0, output);
    assert.match(output, /Running release command\.\.\./);
    assert.match(output, /CREATE TABLE/);
    assert.match(output, /INSERT 0 1/);
    assert.match(output, /Process exited with status 0/);
    assert.match(output, /Verifying deploy\.\.\. done\./);
  });

  it('serves a web dyno that reads what the release phase wrote', async () => {
    const reply = await routerGet(berth, app, '/');
    assert.equal(reply.body, 'rows 1\n');
    assert.equal(reply.status, 200);
  });

  it("logs the release dyno's output and its state as app[release.N] and heroku[release.N]", async () => {
    await waitForLogs(berth, app, [/app\[release\.\d+\]: INSERT 0 1/, /heroku\[release\.\d+\]: Starting process with command `test -z/, /heroku\[release\.\d+\]: Process exited with status 0/]);
  });

  it('runs the release phase again for a config change, which then goes live', async () => {
    const before = (await releases()).length;
    await setConfig({ GREETING: 'hi' });
    assert.equal(await settled(before + 1), 'succeeded');
    await waitFor('the web dyno to read two rows', async () => (await routerGet(berth, app, '/')).body === 'rows 2\n' || undefined, 60_000);
  });

  it('keeps the previous release current when the release command fails', async () => {
    const before = (await releases()).length;
    await setConfig({ FAIL_RELEASE: '1' }); // the release command exits 1 before touching the database
    assert.equal(await settled(before + 1), 'failed');
    const current = (await releases()).find((r) => r.current);
    assert.equal(current?.version, before);
    assert.equal((await routerGet(berth, app, '/')).body, 'rows 2\n');
  });
});

describe('a release phase whose control plane is killed', () => {
  let first: BerthProcess | undefined;
  let second: BerthProcess | undefined;
  let repo: AppRepo | undefined;
  const app = `release-kill-${suffix()}`;

  before(async () => {
    first = await startBerth();
    await createApp(first, app);
    repo = await appRepo(first, app, 'release-phase');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
  });
  after(async () => {
    const left = await shutDown(second ?? first, { killedEarlier: true });
    await repo?.remove();
    assert.deepEqual(left, [], 'nothing of berth outlives it');
  });

  it('stops the release dyno with the control plane and records the release as failed at the next start', async () => {
    const berth = first!;
    const patched = await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ RELEASE_SLOW: '1' }) });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    await waitForLogs(berth, app, [/app\[release\.\d+\]: migration running slowly/], 60_000);
    const release = (await dynos(berth, app)).find((d) => d.type === 'release');
    assert.ok(release, 'the release dyno is listed while it runs');
    assert.equal(await berth.stop('SIGKILL'), null);

    second = await startBerth({ dataDir: berth.dataDir });
    const gone = await waitFor('the release dyno to be stopped', async () => !(await dynos(second!, app)).some((d) => d.type === 'release'), 30_000);
    assert.equal(gone, true);
    const releases = (await api(second, `/apps/${app}/releases`)).body as ReleaseJson[];
    assert.deepEqual(releases.map((r) => [r.version, r.status, r.current]), [[1, 'succeeded', false], [2, 'succeeded', true], [3, 'failed', false]]);
    await waitForLogs(second, app, [new RegExp(`heroku\\[${release.name.replace('.', '\\.')}\\]: Stopping all processes with SIGTERM`)]);
  });
});
