import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from './capture-io.js';
import { KEY, startFakeApi, type FakeApi } from './fake-berth-api.js';

let api: FakeApi;
let root: string;
let counter = 0;

before(async () => {
  api = await startFakeApi();
  root = await mkdtemp(join(tmpdir(), 'berth-cli-git-'));
});
after(async () => {
  await api.close();
  await rm(root, { recursive: true, force: true });
});

async function freshDir(git: boolean): Promise<string> {
  const dir = join(root, `case-${++counter}`);
  await mkdir(dir);
  if (git) execFileSync('git', ['init', '-q'], { cwd: dir });
  return dir;
}

const remotes = (cwd: string) => execFileSync('git', ['remote', '-v'], { cwd, encoding: 'utf8' }).split('\n').filter((l) => l.endsWith('(fetch)'));

async function berth(cwd: string, argv: string[], env: NodeJS.ProcessEnv = {}) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: KEY, HOME: root, ...env }, cwd });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('apps:create inside a git repo adds a berth remote, and later commands find the app through it', async () => {
  const cwd = await freshDir(true);
  const created = await berth(cwd, ['apps:create', 'shiny-app']);
  assert.equal(created.code, 0, created.stderr);
  const gitUrl = `${api.url}/shiny-app.git`;
  assert.equal(created.stdout, `Creating shiny-app... done\nhttp://shiny-app.localhost:8080/ | ${gitUrl}\nGit remote berth added: ${gitUrl}\n`);
  assert.deepEqual(remotes(cwd), [`berth\t${gitUrl} (fetch)`]);

  const info = await berth(cwd, ['apps:info']);
  assert.equal(info.code, 0, info.stderr);
  assert.match(info.stdout, /^=== shiny-app\nName: +shiny-app\nOwner: +dev@example\.com\n/);
  assert.match(info.stdout, /\nGit URL: +http:\/\/127\.0\.0\.1:\d+\/shiny-app\.git\n/);
});

test('apps:create outside a git repo or with --no-remote adds no remote', async () => {
  const plain = await freshDir(false);
  assert.doesNotMatch((await berth(plain, ['apps:create', 'no-repo-app'])).stdout, /Git remote/);
  const repo = await freshDir(true);
  assert.doesNotMatch((await berth(repo, ['apps:create', 'no-remote-app', '--no-remote'])).stdout, /Git remote/);
  assert.deepEqual(remotes(repo), []);
});

test('apps:create --remote names the remote and repoints an existing one', async () => {
  const cwd = await freshDir(true);
  execFileSync('git', ['remote', 'add', 'staging', 'https://example.com/elsewhere.git'], { cwd });
  const created = await berth(cwd, ['apps:create', 'staged-app', '--remote', 'staging']);
  assert.match(created.stdout, /Git remote staging updated: /);
  assert.deepEqual(remotes(cwd), [`staging\t${api.url}/staged-app.git (fetch)`]);
});

test('apps:rename repoints the berth remote that named the old app', async () => {
  const cwd = await freshDir(true);
  await berth(cwd, ['apps:create', 'old-name']);
  const renamed = await berth(cwd, ['apps:rename', 'new-name']);
  assert.equal(renamed.code, 0, renamed.stderr);
  assert.match(renamed.stdout, /^Renaming old-name to new-name\.\.\. done\n/);
  assert.deepEqual(remotes(cwd), [`berth\t${api.url}/new-name.git (fetch)`]);
});

test('apps:destroy refuses without a matching --confirm and names the exact command', async () => {
  const cwd = await freshDir(true);
  await berth(cwd, ['apps:create', 'doomed-app']);
  const refused = await berth(cwd, ['apps:destroy']);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /\nTo proceed, run: berth apps:destroy doomed-app --confirm doomed-app\n$/);
  const mismatch = await berth(cwd, ['apps:destroy', 'doomed-app', '--confirm', 'other-app']);
  assert.equal(mismatch.code, 1);
  assert.equal(api.requests.filter((r) => r.method === 'DELETE').length, 0);
});

test('apps:destroy --confirm NAME destroys the app and removes its berth remote', async () => {
  const cwd = await freshDir(true);
  await berth(cwd, ['apps:create', 'gone-app']);
  const destroyed = await berth(cwd, ['apps:destroy', '--confirm', 'gone-app']);
  assert.deepEqual(destroyed, { code: 0, stdout: 'Destroying gone-app... done\nGit remote berth removed\n', stderr: '' });
  assert.deepEqual(remotes(cwd), []);
});

test('a command that needs an app, run outside any repo, says how to name one', async () => {
  const cwd = await freshDir(false);
  const result = await berth(cwd, ['apps:info']);
  assert.equal(result.code, 1);
  assert.equal(result.stderr, 'Error: No app specified: use -a APP, set BERTH_APP, or run inside a git repo with a berth remote (berth git:remote -a APP)\n');
  assert.equal((await berth(cwd, ['apps:info', '--json'], { BERTH_APP: 'missing-app' })).code, 1);
});

test('git:remote -a APP adds the remote for an existing app', async () => {
  const cwd = await freshDir(true);
  await berth(await freshDir(false), ['apps:create', 'remote-app']);
  const result = await berth(cwd, ['git:remote', '-a', 'remote-app']);
  assert.deepEqual(result, { code: 0, stdout: `Git remote berth added: ${api.url}/remote-app.git\n`, stderr: '' });
  assert.equal((await berth(await freshDir(false), ['git:remote', '-a', 'remote-app'])).code, 1);
});
