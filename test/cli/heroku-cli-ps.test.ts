import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { describeResult, flat, runHeroku, type HerokuCliOptions } from '../support/heroku-cli.js';
import { ListedDynos, listedDyno } from '../support/recording-platform.js';
import { expectError, expectJson, jsonBody } from '../api/helpers.js';

/**
 * `heroku ps:restart web` and `ps:stop web` name a process type where a dyno name goes (the CLI
 * sends DELETE /apps/:app/dynos/web and POST …/dynos/web/actions/stop), and `run:inside`'s
 * POST /apps/:app/dynos/:dyno, against the API handler with dynos the test declares.
 */

const dynos = new ListedDynos();
const api = useApi({ overrides: { dynos } });
const dev = api.user('heroku-ps@example.test');
const APP = `hk-ps-${process.pid.toString(36)}`;
let home: string;
let appId: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-ps-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const cli = (): HerokuCliOptions => ({ apiUrl: api.url.replace('127.0.0.1', 'localhost'), home, apiKey: dev.key });

describe('heroku ps:restart and ps:stop with a process type', () => {
  before(async () => {
    const created = await expectJson<{ id: string }>(await api.request('/apps', { method: 'POST', key: dev.key, body: jsonBody({ name: APP }) }), 201);
    appId = created.id;
    const app = { id: appId, name: APP };
    dynos.dynos.push(listedDyno(app, { type: 'web', index: 1, releaseId: 'rel-7', releaseVersion: 7, size: 'standard-2x' }), listedDyno(app, { type: 'web', index: 2 }), listedDyno(app, { type: 'worker', index: 1 }));
  });

  it('heroku ps:restart web restarts every web dyno and logs who asked', async () => {
    const restarted = await runHeroku(cli(), ['ps:restart', 'web', '-a', APP]);
    assert.equal(restarted.code, 0, describeResult(restarted));
    assert.deepEqual(dynos.restarts, [{ appId, type: 'web' }]);
    assert.ok(api.lines.some((l) => l.appId === appId && l.message === `Restart web dynos by user ${dev.email}`));
  });

  it('heroku ps:stop web rolls both web dynos and no other (they are started again, the new ones first)', async () => {
    const stopped = await runHeroku(cli(), ['ps:stop', 'web', '-a', APP]);
    assert.equal(stopped.code, 0, describeResult(stopped));
    assert.deepEqual(dynos.restarts.at(-1), { appId, type: 'web' });
    assert.deepEqual(dynos.stops, [], 'no formation dyno is stopped outright');
  });

  it('heroku ps:restart web.2 still restarts just that dyno', async () => {
    const restarted = await runHeroku(cli(), ['ps:restart', '--dyno-name', 'web.2', '-a', APP]);
    assert.equal(restarted.code, 0, describeResult(restarted));
    assert.deepEqual(dynos.dynoRestarts, [{ appId, name: 'web.2' }]);
  });

  it('heroku ps:restart with a name that is neither a dyno nor a type fails with a 404 and touches nothing', async () => {
    const restarts = dynos.restarts.length;
    const stops = dynos.stops.length;
    const missing = await runHeroku(cli(), ['ps:restart', 'clock', '-a', APP]);
    assert.notEqual(missing.code, 0, describeResult(missing));
    assert.match(flat(missing.stderr), /Couldn't find that dyno or process type with running dynos: clock/);
    assert.equal(dynos.restarts.length, restarts);
    assert.equal(dynos.stops.length, stops);
  });
});

describe('POST /apps/:app/dynos/:dyno (heroku run:inside)', () => {
  it('runs the command attached on the named dyno\'s release and size', async () => {
    const res = await api.request(`/apps/${APP}/dynos/web.1`, { method: 'POST', key: dev.key, headers: { accept: 'application/vnd.heroku+json; version=3.run-inside' }, body: jsonBody({ command: 'rake db:status' }) });
    const dyno = await expectJson<{ release: { version: number }; type: string }>(res, 201);
    const last = dynos.runs.at(-1);
    assert.deepEqual(last && { command: last.request.command, attach: last.request.attach, releaseId: last.request.releaseId, size: last.request.size }, { command: 'rake db:status', attach: true, releaseId: 'rel-7', size: 'standard-2x' });
    assert.equal(dyno.release.version, 7);
    assert.equal(dyno.type, 'run');
  });

  it('answers a dyno that is not running with 404, and a missing command with 422, running nothing', async () => {
    const runs = dynos.runs.length;
    await expectError(await api.request(`/apps/${APP}/dynos/web.9`, { method: 'POST', key: dev.key, body: jsonBody({ command: 'bash' }) }), 404, 'not_found');
    await expectError(await api.request(`/apps/${APP}/dynos/web.1`, { method: 'POST', key: dev.key, body: jsonBody({}) }), 422, 'invalid_params');
    assert.equal(dynos.runs.length, runs);
  });
});
