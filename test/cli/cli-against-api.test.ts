import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';

const api = useApi();
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-api-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, HOME: home, ...env }, cwd: home, ...(input === undefined ? {} : { input }) });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('an admin creates an account that then logs in, makes, lists, renames and destroys an app over the real API', async () => {
  const admin = { BERTH_API_KEY: api.adminKey };
  const created = await berth(['accounts:create', 'dev@example.test', '--name', 'Dev'], admin);
  assert.equal(created.code, 0, created.stderr);
  const password = /^Password: (\S+) /m.exec(created.stdout)?.[1];
  assert.ok(password, created.stdout);
  assert.match(created.stdout, /They log in with: berth login --api-url http:\/\/127\.0\.0\.1:\d+ --email dev@example\.test\n$/);

  const login = await berth(['login', '--email', 'dev@example.test', '--password-stdin'], {}, `${password}\n`);
  const gitLine = 'git: https://git.example.test:5443/ uses this login (`git push berth main` needs nothing else)\n';
  assert.deepEqual(login, { code: 0, stdout: `Logged in as dev@example.test\n${gitLine}`, stderr: '' });
  assert.equal((await berth(['auth:whoami'])).stdout, 'dev@example.test\n');

  for (const name of ['app-one', 'app-two']) assert.equal((await berth(['apps:create', name])).code, 0);
  assert.equal((await berth(['apps'])).stdout, 'app-one\napp-two\n');
  const info = JSON.parse((await berth(['apps:info', '-a', 'app-one', '--json'])).stdout) as { owner: { email: string } };
  assert.equal(info.owner.email, 'dev@example.test');

  assert.equal((await berth(['apps:rename', 'app-three', '-a', 'app-two'])).code, 0);
  assert.deepEqual(await berth(['apps:destroy', 'app-one', '--confirm', 'app-one']), { code: 0, stdout: 'Destroying app-one... done\n', stderr: '' });
  assert.equal((await berth(['apps'])).stdout, 'app-three\n');

  const taken = await berth(['apps:create', 'app-three']);
  assert.equal(taken.code, 1);
  assert.match(taken.stderr, /\nThat app name is taken/);
  const forbidden = await berth(['accounts:create', 'other@example.test']);
  assert.equal(forbidden.code, 1);
  assert.match(forbidden.stderr, /\nOnly a Berth admin can do this/);

  assert.deepEqual(await berth(['logout']), { code: 0, stdout: 'Logged out\ngit: removed the credential helper and CA for https://git.example.test:5443/\n', stderr: '' });
  const after = await berth(['auth:whoami']);
  assert.deepEqual(after, { code: 1, stdout: '', stderr: `Error: Not logged in to ${api.url}.\nRun \`berth login\`, or set BERTH_API_KEY.\n` });
});

test('apps follows the real API past its default page of 200 apps', async () => {
  const { key } = await api.createUser('pager@example.test');
  const names = Array.from({ length: 203 }, (_, i) => `paged-${String(i).padStart(3, '0')}`);
  for (const name of names) {
    const res = await api.request('/apps', { method: 'POST', key, body: JSON.stringify({ name }) });
    assert.equal(res.status, 201);
  }
  assert.equal((await api.request('/users/~/apps', { key })).status, 206, 'the first page is partial');
  const listed = await berth(['apps'], { BERTH_API_KEY: key });
  assert.equal(listed.stdout, names.map((n) => `${n}\n`).join(''));
});

test('admin:disk prints usage per app with totals and the budget for an admin, and refuses others', async () => {
  const { key } = await api.createUser('disk-user@example.test');
  assert.equal((await berth(['apps:create', 'disk-shown'], { BERTH_API_KEY: key })).code, 0);
  const table = await berth(['admin:disk'], { BERTH_API_KEY: api.adminKey });
  assert.equal(table.code, 0, table.stderr);
  const lines = table.stdout.split('\n');
  assert.match(lines[0] ?? '', /^APP\s+SLUGS\s+UNPACKED\s+CACHE\s+REPO\s+LOGS\s+TOTAL$/);
  assert.ok(lines.some((l) => /^disk-shown\s+0 B\s+0 B\s+0 B\s+0 B\s+0 B\s+0 B$/.test(l)), table.stdout);
  assert.ok(lines.some((l) => l.startsWith('(total)')), table.stdout);
  assert.match(table.stdout, /\nBudget: .* of 64\.0 MiB used \(\d+%\); slugs of the last 10 releases per app are kept\.\n/);
  const json = JSON.parse((await berth(['admin:disk', '--json'], { BERTH_API_KEY: api.adminKey })).stdout) as { apps: Array<{ app: { name: string } }>; budget_bytes: number };
  assert.ok(json.apps.some((a) => a.app.name === 'disk-shown'));
  assert.equal(json.budget_bytes, 64 * 1024 * 1024);
  const refused = await berth(['admin:disk'], { BERTH_API_KEY: key });
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /Only a Berth admin can do this/);
});
