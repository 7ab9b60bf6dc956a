import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { partnerManifest } from '../support/partner-server.js';
import { captureIo } from './capture-io.js';

let api: ApiHarness;
let home: string;
let userKey: string;

before(async () => {
  api = await startApi();
  home = await mkdtemp(join(tmpdir(), 'berth-cli-providers-'));
  userKey = (await api.createUser('cli-providers@example.test')).key;
  await writeFile(join(home, 'addon-manifest.json'), JSON.stringify(partnerManifest('https://partner.example.test', 'acme-cli')));
  await writeFile(join(home, 'broken.json'), '{"id": ');
});
after(async () => {
  await api.close();
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[], key = api.adminKey) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('an admin adds a provider from its manifest, lists it and removes it', async () => {
  const added = await berth(['addons:providers:add', 'addon-manifest.json']);
  assert.equal(added.code, 0, added.stderr);
  assert.equal(added.stdout, 'Registering add-on provider acme-cli (Acme KV)... done\nPlans: acme-cli:test (free), acme-cli:big ($25/month)\n');
  assert.match(added.stderr, /berth addons:create acme-cli:test/);

  const listed = await berth(['addons:providers']);
  const lines = listed.stdout.trimEnd().split('\n');
  assert.match(lines[0] as string, /^Service +Name +Config Vars +Plans +Base URL$/);
  assert.deepEqual(lines[1]?.split(/ {2,}/), ['acme-cli', 'Acme KV', 'ACME_KV_URL, ACME_KV_TOKEN', 'test (free), big ($25/month)', 'https://partner.example.test']);

  const changed = { ...partnerManifest('https://moved.example.test', 'acme-cli'), name: 'Acme KV 2' };
  await writeFile(join(home, 'addon-manifest-2.json'), JSON.stringify(changed));
  const updated = await berth(['addons:providers:update', 'addon-manifest-2.json']);
  assert.equal(updated.stdout, 'Updating add-on provider acme-cli (Acme KV 2)... done\nPlans: acme-cli:test (free), acme-cli:big ($25/month)\n');
  assert.match((await berth(['addons:providers'])).stdout, /acme-cli +Acme KV 2 .*https:\/\/moved\.example\.test/);

  assert.deepEqual(await berth(['addons:providers:remove', 'acme-cli']), { code: 0, stdout: 'Removing add-on provider acme-cli... done\n', stderr: '' });
  assert.match((await berth(['addons:providers'])).stderr, /No add-on providers are registered/);
});

test('a manifest that is not JSON is refused before anything is sent; a non-admin gets a hint', async () => {
  const broken = await berth(['addons:providers:add', 'broken.json']);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /broken\.json is not valid JSON/);
  const missing = await berth(['addons:providers:add', 'nope.json']);
  assert.match(missing.stderr, /Cannot read the manifest nope\.json: ENOENT/);
  const user = await berth(['addons:providers:add', 'addon-manifest.json'], userKey);
  assert.equal(user.code, 1);
  assert.match(user.stderr, /Only an admin can manage add-on providers/);
  assert.match(user.stderr, /log in as the admin/);
  assert.equal(await api.store.addonProviders.find('acme-cli'), undefined);
});
