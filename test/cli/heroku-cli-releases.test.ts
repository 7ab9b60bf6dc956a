import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { DynoRecord } from '../../src/core/dyno-host.js';
import { useApi } from '../support/api-harness.js';
import { describeResult, flat, runHeroku, type HerokuCliOptions } from '../support/heroku-cli.js';
import { ListedDynos, listedDyno } from '../support/recording-platform.js';
import { deploy } from '../api/deploy-helpers.js';
import { expectJson, jsonBody } from '../api/helpers.js';

/**
 * The official `heroku` CLI's ps:kill, ps:wait and releases:output against the API handler with
 * dynos the test declares and release-phase output the platform recorder serves.
 */

/** Declared dynos that also tell the test each time the API lists them (what ps:wait polls). */
class WatchedDynos extends ListedDynos {
  private waiters: Array<() => void> = [];
  listed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  override list(appId: string): DynoRecord[] {
    const waiting = this.waiters;
    this.waiters = [];
    for (const resolve of waiting) resolve();
    return super.list(appId);
  }
}

const dynos = new WatchedDynos();
const api = useApi({ overrides: { dynos } });
const dev = api.user('heroku-releases@example.test');
const APP = `hk-rel-${process.pid.toString(36)}`;
let home: string;
let app: { id: string; name: string };

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-releases-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const cli = (): HerokuCliOptions => ({ apiUrl: api.url.replace('127.0.0.1', 'localhost'), home, apiKey: dev.key });

describe('heroku ps:kill, ps:wait and releases:output', () => {
  let latest: { id: string; version: number };

  before(async () => {
    app = await expectJson<{ id: string; name: string }>(await api.request('/apps', { method: 'POST', key: dev.key, body: jsonBody({ name: APP }) }), 201);
    latest = await deploy(api, dev.key, APP, { processTypes: { web: 'node server.js', release: 'node migrate.js' } });
    dynos.dynos.push(
      listedDyno(app, { type: 'web', index: 1, releaseId: latest.id, releaseVersion: latest.version }),
      listedDyno(app, { type: 'worker', index: 1, releaseId: latest.id, releaseVersion: latest.version }),
    );
  });

  it('heroku ps:kill web rolls the web dynos (the dyno manager starts them again anyway) and leaves the worker alone', async () => {
    const killed = await runHeroku(cli(), ['ps:kill', 'web', '-a', APP]);
    assert.equal(killed.code, 0, describeResult(killed));
    assert.match(flat(killed.stderr), new RegExp(`Stopping dyno web on ${APP}\\.\\.\\. done`));
    assert.deepEqual(dynos.restarts, [{ appId: app.id, type: 'web' }]);
    assert.deepEqual(dynos.stops, []);
    assert.ok(api.lines.some((l) => l.appId === app.id && l.message === `Stop web dynos by user ${dev.email}`));
  });

  it('heroku ps:wait returns at once when every dyno runs the latest release', async () => {
    const waited = await runHeroku(cli(), ['ps:wait', '-a', APP]);
    assert.equal(waited.code, 0, describeResult(waited));
    assert.doesNotMatch(waited.stderr, /Waiting for every dyno/);
  });

  it('heroku ps:wait waits while a dyno runs an older release and ends when it has been replaced', async () => {
    const worker = dynos.dynos.find((d) => d.name === 'worker.1');
    assert.ok(worker);
    worker.releaseVersion = latest.version - 1;
    const firstPoll = dynos.listed();
    const waiting = runHeroku(cli(), ['ps:wait', '-a', APP, '--wait-interval', '10']);
    await firstPoll;
    const secondPoll = dynos.listed();
    worker.releaseVersion = latest.version;
    await secondPoll;
    const waited = await waiting;
    assert.equal(waited.code, 0, describeResult(waited));
    assert.match(flat(waited.stderr), new RegExp(`Waiting for every dyno to be running v${latest.version}.*2 / 2, done`));
  });

  it('heroku releases:output prints the release command\'s output from the release\'s output_stream_url', async () => {
    api.platform.outputs.set(`release:${latest.id}`, ['Running migrations\n', 'Migrated 3 tables\n']);
    const output = await runHeroku(cli(), ['releases:output', '-a', APP]);
    assert.equal(output.code, 0, describeResult(output));
    assert.equal(output.stdout, 'Running migrations\nMigrated 3 tables\n');
  });

  it('heroku releases:output on a release without a release command says there is no output', async () => {
    const plain = await deploy(api, dev.key, APP, { processTypes: { web: 'node server.js' } });
    const output = await runHeroku(cli(), ['releases:output', `v${plain.version}`, '-a', APP]);
    assert.equal(output.code, 0, describeResult(output));
    assert.match(flat(output.stderr), new RegExp(`Release v${plain.version} has no release output available`));
  });
});
