import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { TestAddonProvider } from '../support/test-addon-provider.js';
import { startAddonApi, type AddonTestbed } from '../api/addon-helpers.js';
import { captureIo } from './capture-io.js';

let bed: AddonTestbed;
let home: string;
let key: string;
const APP = `cli-addons-${process.pid.toString(36)}`;
const WORKER = `cli-addons-w-${process.pid.toString(36)}`;

before(async () => {
  bed = await startAddonApi();
  home = await mkdtemp(join(tmpdir(), 'berth-cli-addons-'));
  key = (await bed.api.createUser('cli-addons@example.test')).key;
  for (const name of [APP, WORKER]) assert.equal((await bed.api.request('/apps', { method: 'POST', key, body: JSON.stringify({ name }) })).status, 201);
});
after(async () => {
  await bed.api.close();
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[], app = APP) {
  const captured = captureIo({ env: { BERTH_API_URL: bed.api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: app }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('services and plans list the catalog with prices and limits', async () => {
  const services = await berth(['addons:services']);
  assert.equal(services.code, 0);
  assert.match(services.stdout, /^heroku-postgresql +Heroku Postgres +ga$/m);
  const plans = await berth(['addons:plans', 'postgresql']);
  assert.match(plans.stdout, /^default +heroku-postgresql:essential-0 +Essential 0 +\$5\/month +20 connections, 1 GB storage$/m);
  assert.match((await berth(['addons:plans', 'redis'])).stdout, /heroku-redis:mini +Mini +\$3\/month +20 connections, 25 MB memory/);
});

test('create, list, info, upgrade, attach, detach and destroy an add-on as a user would', async () => {
  const created = await berth(['addons:create', 'heroku-postgresql:essential-0', '--name', `db-${APP}`, '--', '--version', '16']);
  assert.equal(created.code, 0, created.stderr);
  assert.equal(created.stdout, `Creating heroku-postgresql:essential-0 on ${APP}... done, $5/month\ndb-${APP} is ready.\nCreated db-${APP} as DATABASE_URL\n`);
  assert.deepEqual(bed.postgres.resources.get([...bed.postgres.resources.keys()].at(-1) as string)?.options, { version: '16' });
  assert.match((await berth(['addons:create', 'redis', '--as', 'CACHE'])).stdout, /Created redis-[a-z]+-\d{5} as CACHE_URL/);

  const listed = await berth(['addons']);
  assert.match(listed.stdout, /^Add-on +Plan +Price +As +State$/m);
  assert.match(listed.stdout, new RegExp(`^db-${APP} +heroku-postgresql:essential-0 +\\$5/month +DATABASE +created$`, 'm'));
  assert.match(listed.stdout, /^redis-\S+ +heroku-redis:mini +\$3\/month +CACHE +created$/m);

  const info = await berth(['addons:info', 'DATABASE']);
  assert.match(info.stdout, new RegExp(`=== db-${APP}\\nPlan: +heroku-postgresql:essential-0\\nPrice: +\\$5/month\\nAttachments: +${APP}::DATABASE\\nOwning app: +${APP}\\n`));
  assert.match(info.stdout, /State: +created/);

  const upgraded = await berth(['addons:upgrade', 'DATABASE', 'standard-0']);
  assert.equal(upgraded.stdout, `Changing db-${APP} on ${APP} from heroku-postgresql:essential-0 to heroku-postgresql:standard-0... done, $50/month\nNow on standard-0.\n`);

  const attached = await berth(['addons:attach', `db-${APP}`, '--as', 'SHARED_DB'], WORKER);
  assert.equal(attached.code, 0, attached.stderr);
  assert.equal(attached.stdout, `Attaching db-${APP} as SHARED_DB to ${WORKER}... done\nSetting SHARED_DB_URL config vars and restarting ${WORKER}... done, v2\n`);
  assert.match((await berth(['addons'], WORKER)).stdout, new RegExp(`^db-${APP} \\(from ${APP}\\) +heroku-postgresql:standard-0 +\\$50/month +SHARED_DB +created$`, 'm'));

  const refused = await berth(['addons:destroy', `db-${APP}`, '--confirm', APP]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`also attached to ${WORKER} \\(as SHARED_DB\\)`));
  assert.match(refused.stderr, /--force/);

  const detached = await berth(['addons:detach', 'SHARED_DB'], WORKER);
  assert.equal(detached.stdout, `Detaching SHARED_DB of db-${APP} from ${WORKER}... done\nUnsetting SHARED_DB_URL config vars and restarting ${WORKER}... done, v3\n`);

  const unconfirmed = await berth(['addons:destroy', `db-${APP}`]);
  assert.equal(unconfirmed.code, 1);
  assert.match(unconfirmed.stderr, new RegExp(`berth addons:destroy db-${APP} --confirm ${APP}`));
  assert.equal((await berth(['addons:destroy', `db-${APP}`, '--confirm', APP])).stdout, `Destroying db-${APP} on ${APP}... done\n`);
  assert.doesNotMatch((await berth(['addons'])).stdout, new RegExp(`db-${APP}`));
});

test('a clash, an unknown plan and a provider failure are reported with their fix', async () => {
  const unknown = await berth(['addons:create', 'heroku-postgresql:hobby-dev']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no plan "hobby-dev"\. Plans: essential-0/);
  const badOption = await berth(['addons:create', 'redis', '--', 'oops']);
  assert.equal(badOption.code, 2);
  await berth(['config:set', 'LOCAL_URL=postgres://mine']);
  const clash = await berth(['addons:create', 'postgresql', '--as', 'LOCAL']);
  assert.equal(clash.code, 1);
  assert.match(clash.stderr, /already has the config var LOCAL_URL/);
  bed.redis.mode = 'fail';
  try {
    const failed = await berth(['addons:create', 'redis', '--as', 'FLAKY']);
    assert.equal(failed.code, 1);
    assert.match(failed.stderr, /the test provider is down/);
    assert.match(failed.stderr, /not your app/);
  } finally {
    bed.redis.mode = 'ok';
  }
  assert.match((await berth(['addons'])).stdout, /failed: the test provider is down/);
  assert.equal(TestAddonProvider.urlOf('x', 'y').startsWith('x://'), true);
});
