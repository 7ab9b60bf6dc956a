import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { pipelineNameFor } from '../../src/cli/commands/pipelines-create.js';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { deploy } from '../api/deploy-helpers.js';
import { captureIo } from './capture-io.js';

let home: string;
let key: string;
const tag = Math.random().toString(36).slice(2, 7);
const STAGING = `cp${tag}-staging`;
const PROD = `cp${tag}-prod`;
const BROKEN = `cp${tag}-prod-eu`;

const api = useApi({}, async (started) => {
  key = (await started.createUser('cli-pipelines@example.test')).key;
  for (const name of [STAGING, PROD, BROKEN]) assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name }) })).status, 201);
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-pipelines-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('the pipeline name is the app name without its stage suffix', () => {
  assert.equal(pipelineNameFor('shop-staging'), 'shop');
  assert.equal(pipelineNameFor('shop-prod'), 'shop');
  assert.equal(pipelineNameFor('shop'), 'shop');
});

test('pipelines:create, add, info, promote and remove, as a user runs them', async () => {
  const created = await berth(['pipelines:create', '-a', STAGING]);
  assert.equal(created.code, 0, created.stderr);
  assert.match(created.stdout, new RegExp(`Adding ${STAGING} to cp${tag} pipeline as staging\\.\\.\\. done`));
  assert.equal((await berth(['pipelines:add', `cp${tag}`, '-a', PROD])).code, 0);
  const info = await berth(['pipelines:info', `cp${tag}`]);
  assert.match(info.stdout, new RegExp(`${STAGING}\\s+staging\\n${PROD}\\s+production`));
  const list = await berth(['pipelines']);
  assert.match(list.stdout, new RegExp(`^cp${tag}$`, 'm'));

  const released = await deploy(api, key, STAGING);
  const promoted = await berth(['pipelines:promote', '-a', STAGING]);
  assert.equal(promoted.code, 0, promoted.stderr);
  assert.match(promoted.stdout, /Promotion successful/);
  assert.match(promoted.stdout, new RegExp(`${PROD}:\\s+succeeded`));
  const prod = await api.store.apps.findByName(PROD);
  assert.equal((await api.store.releases.current(prod?.id as string))?.slugId, released.slug?.id);

  const json = await berth(['pipelines:promote', '-a', STAGING, '--json']);
  const parsed = JSON.parse(json.stdout) as { targets: Array<{ status: string }> };
  assert.deepEqual(parsed.targets.map((t) => t.status), ['succeeded']);

  const removed = await berth(['pipelines:remove', '-a', PROD]);
  assert.match(removed.stdout, new RegExp(`Removing ${PROD} from cp${tag}\\.\\.\\. done`));
  const after = await berth(['pipelines:info', `cp${tag}`, '--json']);
  assert.deepEqual((JSON.parse(after.stdout) as { apps: Array<{ name: string }> }).apps.map((a) => a.name), [STAGING]);
});

test('pipelines:promote to an app outside the pipeline fails with the API message and changes nothing', async () => {
  const before = (await api.store.releases.current((await api.store.apps.findByName(BROKEN))?.id as string))?.id;
  const out = await berth(['pipelines:promote', '-a', STAGING, '--to', BROKEN]);
  assert.equal(out.code, 1);
  assert.match(out.stderr, new RegExp(`${BROKEN} is not in pipeline cp${tag}`));
  assert.equal((await api.store.releases.current((await api.store.apps.findByName(BROKEN))?.id as string))?.id, before);
});

test('pipelines:promote exits 1 naming the target whose release phase failed', async () => {
  assert.equal((await berth(['pipelines:add', `cp${tag}`, '-a', BROKEN, '-s', 'production'])).code, 0);
  const released = await deploy(api, key, STAGING, { processTypes: { web: 'node server.js', release: 'node migrate.js' } });
  await api.store.releases.finish(released.id, 'succeeded');
  api.platform.releasePhaseOutcomes.set((await api.store.apps.findByName(BROKEN))?.id as string, 'failed');
  const out = await berth(['pipelines:promote', '-a', STAGING]);
  assert.equal(out.code, 1);
  assert.match(out.stdout, new RegExp(`${BROKEN}:\\s+failed: Release v\\d+ failed: the release command exited with status 1`));
  assert.match(out.stderr, /failed on some apps; they keep their previous release/);
});

test('pipelines:diff says when an app of the next stage has no code yet', async () => {
  const out = await berth(['pipelines:diff', '-a', STAGING]);
  assert.equal(out.code, 0, out.stderr);
  assert.equal(out.stdout, `${STAGING} was not compared to ${BROKEN}: ${BROKEN} has no release yet.\n`, 'its only promotion failed in the release phase');
});

test('pipelines:update moves the app, pipelines:rename renames, pipelines:destroy wants --confirm and keeps the apps', async () => {
  const app = `cp${tag}-other`;
  assert.equal((await api.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: app }) })).status, 201);
  assert.equal((await berth(['pipelines:create', `cq${tag}`, '-a', app, '-s', 'development'])).code, 0);
  const moved = await berth(['pipelines:update', '-a', app, '-s', 'staging']);
  assert.equal(moved.stdout, `Changing ${app} to staging... done\n`);
  assert.equal((await berth(['pipelines:rename', `cq${tag}`, `cr${tag}`])).code, 0);
  const unconfirmed = await berth(['pipelines:destroy', `cr${tag}`]);
  assert.equal(unconfirmed.code, 2);
  assert.match(unconfirmed.stderr, new RegExp(`add --confirm cr${tag}`));
  assert.ok(await api.store.pipelines.findByName(`cr${tag}`), 'still there');
  assert.equal((await berth(['pipelines:destroy', `cr${tag}`, '--confirm', `cr${tag}`])).code, 0);
  assert.equal(await api.store.pipelines.findByName(`cr${tag}`), undefined);
  assert.ok(await api.store.apps.findByName(app), 'the app stays');
});
