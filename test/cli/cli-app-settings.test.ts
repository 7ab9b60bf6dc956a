import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import type { App } from '../../src/core/model.js';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';
import { waitFor } from '../support/wait.js';

let home: string;
let key: string;
let app: App;
const EMAIL = 'settings@example.test';

const api = useApi({}, async (started) => {
  const user = await started.createUser(EMAIL);
  key = user.key;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: 'settings-app' }) })).status, 201);
  app = (await started.store.apps.findByName('settings-app')) as App;
  const slug = await started.store.slugs.create({ appId: app.id, processTypes: { web: 'node server.js' }, stack: 'berth-24', size: 100 });
  await started.store.releases.create({ appId: app.id, slugId: slug.id, description: 'Deploy 1a2b3c4', user: { id: user.accountId, email: EMAIL } });
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-settings-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[], options: { stdout?: Writable } = {}) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: 'settings-app' }, cwd: home });
  if (options.stdout) captured.io.stdout = options.stdout;
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('config:set, config, config:get and config:unset work over the real API, each change a release', async () => {
  assert.deepEqual(await berth(['config:set', 'GREETING=hello world', 'COUNT=3']), {
    code: 0,
    stdout: 'Setting GREETING, COUNT and restarting settings-app... done, v3\nGREETING:  hello world\nCOUNT:     3\n',
    stderr: '',
  });
  assert.equal((await berth(['config'])).stdout, '=== settings-app Config Vars\nCOUNT:     3\nGREETING:  hello world\n');
  assert.equal((await berth(['config', '--shell'])).stdout, "COUNT=3\nGREETING='hello world'\n");
  assert.deepEqual(JSON.parse((await berth(['config', '--json'])).stdout), { COUNT: '3', GREETING: 'hello world' });
  assert.equal((await berth(['config:get', 'GREETING'])).stdout, 'hello world\n');
  assert.equal((await berth(['config:get', 'MISSING'])).stdout, '\n');
  assert.equal((await berth(['config:unset', 'COUNT'])).stdout, 'Unsetting COUNT and restarting settings-app... done, v4\n');
  const bad = await berth(['config:set', 'NOEQUALS']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /"NOEQUALS" is invalid: use the form KEY=value/);
  const invalid = await berth(['config:set', '1BAD=x']);
  assert.equal(invalid.code, 1);
  assert.match(invalid.stderr, /Config var name "1BAD" is invalid/);
});

test('config:pull writes a .env that config:push reads back, pushing only what changed', async () => {
  await writeFile(join(home, '.env'), '# local\nGREETING="local value"\nLOCAL_ONLY=1\n');
  const pulled = await berth(['config:pull']);
  assert.equal(pulled.code, 0, pulled.stderr);
  assert.equal(pulled.stdout, 'Config for settings-app written to .env\n');
  assert.match(pulled.stderr, /Kept 1 local value that differ/);
  assert.equal(await readFile(join(home, '.env'), 'utf8'), "GREETING='local value'\nLOCAL_ONLY=1\n");
  assert.equal((await stat(join(home, '.env'))).mode & 0o777, 0o600);
  await berth(['config:pull', '--overwrite']);
  assert.equal(await readFile(join(home, '.env'), 'utf8'), "GREETING='hello world'\nLOCAL_ONLY=1\n");

  assert.equal((await berth(['config:push'])).stdout, 'Setting LOCAL_ONLY and restarting settings-app... done, v5\n');
  assert.equal((await berth(['config:push'])).stdout, 'settings-app already has every value in .env: nothing to set.\n');
  await writeFile(join(home, 'prod.env'), 'export MULTI="a\\nb"\nBROKEN LINE\n');
  const broken = await berth(['config:push', '--file', 'prod.env']);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /prod\.env:2: expected KEY=value/);
  const missing = await berth(['config:push', '-f', 'nope.env']);
  assert.match(missing.stderr, /There is no nope\.env here/);
});

test('releases lists the newest first, releases:info shows one with its config var names', async () => {
  const list = await berth(['releases', '-n', '2']);
  assert.equal(list.code, 0, list.stderr);
  const lines = list.stdout.split('\n');
  assert.equal(lines[0], '=== settings-app Releases - Current: v5');
  assert.match(lines[1] ?? '', /^v5  Set LOCAL_ONLY config vars  settings@example\.test  \d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d \(~ \d+s ago\)$/);
  assert.match(lines[2] ?? '', /^v4  Remove COUNT config vars +settings@example\.test  /);
  assert.equal(lines.length, 4);
  const json = JSON.parse((await berth(['releases', '--json'])).stdout) as { version: number }[];
  assert.deepEqual(json.map((r) => r.version), [5, 4, 3, 2, 1]);

  const info = await berth(['releases:info', 'v3']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /^=== Release v3\nAdd-ons:\nBy: +settings@example\.test\nChange: +Set GREETING, COUNT config vars\nCurrent: +No\nEligible for Rollback\?: +Yes\n/);
  assert.match(info.stdout, /\n=== v3 Config vars\nCOUNT\nGREETING\n$/);
  assert.match((await berth(['releases:info'])).stdout, /^=== Release v5\n/);
  assert.equal((await berth(['releases', '-n', 'many'])).code, 2);
});

test('releases:rollback goes back to the previous eligible release, or the one named', async () => {
  const back = await berth(['releases:rollback']);
  assert.equal(back.code, 0, back.stderr);
  assert.equal(back.stdout, 'Rolling back settings-app to v4... done, v6\n');
  assert.match(back.stderr, /To undo, run: berth releases:rollback v5\n$/);
  assert.deepEqual(JSON.parse((await berth(['config', '--json'])).stdout), { GREETING: 'hello world' });
  assert.equal((await berth(['rollback', '3'])).stdout, 'Rolling back settings-app to v3... done, v7\n');
  const initial = await berth(['releases:rollback', 'v1']);
  assert.equal(initial.code, 1);
  assert.match(initial.stderr, /Cannot roll back to v1: it has no slug/);
});

test('maintenance shows, turns on and turns off maintenance mode', async () => {
  assert.equal((await berth(['maintenance'])).stdout, 'off\n');
  assert.equal((await berth(['maintenance:on'])).stdout, 'Enabling maintenance mode for settings-app... done\n');
  assert.equal((await berth(['maintenance'])).stdout, 'on\n');
  assert.deepEqual(JSON.parse((await berth(['maintenance', '--json'])).stdout), { app: 'settings-app', maintenance: true });
  assert.equal((await berth(['maintenance:off'])).stdout, 'Disabling maintenance mode for settings-app... done\n');
  assert.equal((await berth(['maintenance'])).stdout, 'off\n');
});

test('drains:add, drains and drains:remove manage log drains', async () => {
  assert.equal((await berth(['drains'])).stdout, 'settings-app has no drains. Add one with `berth drains:add URL`.\n');
  const url = 'syslog+tls://127.0.0.1:9';
  const added = await berth(['drains:add', url]);
  assert.equal(added.code, 0, added.stderr);
  const token = /^Successfully added drain syslog\+tls:\/\/127\.0\.0\.1:9 \((\S+)\)\n$/.exec(added.stdout)?.[1];
  assert.ok(token, added.stdout);
  assert.equal((await berth(['drains'])).stdout, `=== Drains\n${url} (${token})\n`);
  assert.equal((await berth(['drains:remove', url])).stdout, `Successfully removed drain ${url}\n`);
  const again = await berth(['drains:remove', url]);
  assert.equal(again.code, 1);
  const bad = await berth(['drains:add', 'udp://127.0.0.1:9']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /UDP syslog is not supported/);
});

test('buildpacks:set, add, remove and clear edit the list in order', async () => {
  assert.equal((await berth(['buildpacks'])).stdout, 'settings-app has no buildpacks set: each build detects them.\n');
  assert.match((await berth(['buildpacks:set', 'nodejs'])).stdout, /^Buildpack set\. Next release on settings-app will use nodejs\.\n/);
  assert.match((await berth(['buildpacks:add', 'https://example.test/apt.git', '--index', '1'])).stdout, /^Buildpack added\. Next release on settings-app will use:\n  1\. https:\/\/example\.test\/apt\.git\n  2\. nodejs\n/);
  assert.equal((await berth(['buildpacks'])).stdout, '=== settings-app Buildpacks\n1. https://example.test/apt.git\n2. nodejs\n');
  const dup = await berth(['buildpacks:add', 'nodejs']);
  assert.equal(dup.code, 1);
  assert.match(dup.stderr, /already set/);
  assert.match((await berth(['buildpacks:remove', '--index', '1'])).stdout, /^Buildpack removed\. Next release on settings-app will use nodejs\.\n/);
  assert.equal((await berth(['buildpacks:clear'])).stdout, 'Buildpacks cleared. Next release on settings-app will detect buildpacks normally.\n');
  assert.deepEqual(JSON.parse((await berth(['buildpacks', '--json'])).stdout), []);
});

test('logs prints the recent lines, filtered by process type and source', async () => {
  const start = Date.now() * 1000;
  api.channels.append(app.id, { source: 'app', process: 'web.1', message: 'Listening on 5000', time: start });
  api.channels.append(app.id, { source: 'heroku', process: 'router', message: 'at=info method=GET path="/" status=200', time: start + 1 });
  api.channels.append(app.id, { source: 'app', process: 'worker.1', message: 'working', time: start + 2 });
  const all = await berth(['logs', '-n', '3']);
  assert.equal(all.code, 0, all.stderr);
  assert.match(all.stdout, /^\S+ app\[web\.1\]: Listening on 5000\n\S+ heroku\[router\]: at=info method=GET path="\/" status=200\n\S+ app\[worker\.1\]: working\n$/);
  assert.match((await berth(['logs', '-p', 'web'])).stdout, /^\S+ app\[web\.1\]: Listening on 5000\n$/);
  assert.match((await berth(['logs', '-s', 'heroku', '-n', '10'])).stdout, /^(\S+ heroku\[\S+\]: .*\n)+$/);
  assert.equal((await berth(['logs', '-d', 'web.1', '-p', 'web'])).code, 2);
});

test('logs --tail follows new lines until stdout is closed', async () => {
  let seen = '';
  const stdout = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      seen += String(chunk);
      if (seen.includes('live line')) done(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      else done();
    },
  });
  stdout.on('error', () => undefined);
  const tail = berth(['logs', '--tail', '-n', '1', '-p', 'web'], { stdout });
  await waitFor('the tail to print the backlog line', () => seen.includes('Listening'));
  assert.match(seen, /app\[web\.1\]: Listening on 5000\n$/);
  api.channels.append(app.id, { source: 'app', process: 'web.2', message: 'live line' });
  const result = await tail;
  assert.equal(result.code, 0, result.stderr);
  assert.match(seen, /app\[web\.2\]: live line\n$/);
});
