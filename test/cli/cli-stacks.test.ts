// berth stacks, stack, stack:set and stacks:update over the real API, with the real HostStacks
// on a tiny but real stack cache (a berth-24 build takes minutes; the roll is recorded).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { BERTH_24 } from '../../src/core/stacks.js';
import { HostStacks, rollAllApps } from '../../src/main/stack-images.js';
import { StackCache } from '../../src/stacks/stack-cache.js';
import { useApi } from '../support/api-harness.js';
import { TinyRootfsBuilder } from '../support/tiny-rootfs.js';
import { captureIo } from './capture-io.js';

let home: string;
let key: string;
let adminKey: string;
const restarted: string[] = [];
const logged: Array<{ appId: string; line: string }> = [];
const cacheDir = join(tmpdir(), `berth-cli-stacks-${randomBytes(4).toString('hex')}`);
const stacks = new HostStacks(new StackCache({ dir: cacheDir, stack: BERTH_24, builder: new TinyRootfsBuilder() }), {
  log: () => undefined,
  rollApps: (version, previous) => rollAllApps({ store: api.store, restart: (id) => restarted.push(id), emit: (appId, line) => logged.push({ appId, line }) }, version, previous),
});

const api = useApi(() => ({ overrides: { stacks } }), async (started) => {
  key = (await started.createUser('stacks@example.test')).key;
  adminKey = started.adminKey;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: 'stack-app' }) })).status, 201);
});

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-stacks-'));
  await stacks.buildImage(() => undefined);
});
after(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

async function berth(argv: string[], asKey = key) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: asKey, HOME: home, BERTH_APP: 'stack-app' }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('berth stacks lists berth-24 with its Debian base, image version and hash', async () => {
  const { code, stdout } = await berth(['stacks']);
  assert.equal(code, 0);
  const [version] = (await stacks.describe()).map((s) => s.version);
  assert.match(stdout, new RegExp(`^\\* berth-24 +Debian 13 \\(trixie\\) +${version?.replace('.', '\\.')} +[0-9a-f]{12} `, 'm'));
  assert.match(stdout, /heroku-24 and heroku-22 name berth-24 too/);
});

test('berth stack:set maps heroku-24 to berth-24 with a one-line note, and berth stack shows it', async () => {
  const set = await berth(['stack:set', 'heroku-24']);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /^Note: Stack heroku-24 is Heroku's; this Berth builds and runs it on berth-24 \(Debian 13 \(trixie\)\)/);
  assert.match(set.stdout, /stack-app is on stack berth-24; the next build uses it too\./);
  const bad = await berth(['stack:set', 'cedar-14']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /build_stack "cedar-14" is not a stack of this Berth/);
  const shown = await berth(['stack']);
  assert.match(shown.stdout, /^=== stack-app stack\n\* berth-24 \(Debian 13 \(trixie\), image \d{8}\.[0-9a-f]{8}\)\n$/);
});

test('berth stacks:update makes a new version and rolls every app without a rebuild; only admins may', async () => {
  const refused = await berth(['stacks:update']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Only an admin can update a stack/);
  const before = (await stacks.describe())[0]?.version as string;
  const { code, stdout, stderr } = await berth(['stacks:update'], adminKey);
  assert.equal(code, 0, stderr);
  const after = (await stacks.describe())[0]?.version as string;
  assert.notEqual(after, before);
  assert.match(stdout, new RegExp(`berth-24 is now ${after.replace('.', '\\.')} \\(was ${before.replace('.', '\\.')}\\)`));
  assert.match(stdout, /Rolling the dynos of \d+ apps? onto it, without rebuilding them/);
  const app = await api.store.apps.findByName('stack-app');
  assert.ok(app && restarted.includes(app.id));
  assert.ok(logged.some((l) => l.appId === app.id && l.line === `Stack berth-24 updated from ${before} to ${after}: restarting dynos onto it, no rebuild`));
});

test('berth apps:create --stack heroku-22 creates a berth-24 app and prints the note', async () => {
  const { code, stdout, stderr } = await berth(['apps:create', 'stacky-app', '--stack', 'heroku-22', '--no-remote']);
  assert.equal(code, 0, stderr);
  assert.match(stdout, /^Creating stacky-app\.\.\. done/);
  assert.match(stderr, /^Note: Stack heroku-22 is Heroku's; this Berth builds and runs it on berth-24/);
  assert.equal((await api.store.apps.findByName('stacky-app'))?.stack, 'berth-24');
});
