import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from './capture-io.js';
import { EMAIL, KEY, NEXT_RANGE, PASSWORD, startFakeApi, type FakeApi } from './fake-berth-api.js';

let api: FakeApi;
let home: string;

before(async () => {
  api = await startFakeApi();
  home = await mkdtemp(join(tmpdir(), 'berth-cli-'));
});
after(async () => {
  await api.close();
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[], env: NodeJS.ProcessEnv = {}, input?: string) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: KEY, HOME: home, ...env }, cwd: home, ...(input === undefined ? {} : { input }) });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('auth:whoami prints the email of the account behind the API key', async () => {
  const result = await berth(['auth:whoami']);
  assert.deepEqual(result, { code: 0, stdout: `${EMAIL}\n`, stderr: '' });
  const seen = api.requests.at(-1);
  assert.equal(seen?.headers.accept, 'application/vnd.heroku+json; version=3');
  assert.equal(seen?.headers.authorization, `Bearer ${KEY}`);
  assert.equal(seen?.headers['user-agent'], 'berth-cli');
});

test('apps follows the 206 Next-Range page and lists every app', async () => {
  const before = api.requests.length;
  const result = await berth(['apps']);
  assert.equal(result.code, 0);
  assert.equal(result.stdout, 'alpha\nbravo\ncharlie\n');
  const pages = api.requests.slice(before);
  assert.deepEqual(pages.map((r) => [r.path, r.headers.range]), [['/users/~/apps', undefined], ['/users/~/apps', NEXT_RANGE], ['/account', undefined], ['/apps', undefined]]);
});

test('apps --json prints the concatenated pages as pretty JSON', async () => {
  const result = await berth(['apps', '--json']);
  const list = JSON.parse(result.stdout) as { name: string }[];
  assert.deepEqual(list.map((a) => a.name), ['alpha', 'bravo', 'charlie']);
  assert.match(result.stdout, /^\[\n  \{\n    "id"/);
});

test('a rejected API key prints the error, the login hint and exits 1', async () => {
  const result = await berth(['auth:whoami'], { BERTH_API_KEY: 'revoked' });
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.equal(
    result.stderr,
    'Error: Invalid credentials provided: the API key is unknown, expired or revoked.\nLog in again with `berth login`, or check BERTH_API_KEY.\n',
  );
});

test('an unknown app gets the not_found hint to check `berth apps`', async () => {
  const result = await berth(['apps:info', '-a', 'nope']);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: Couldn't find that app: nope\.\nCheck the name with `berth apps`\.\n$/);
});

test('a refused connection says to start bin/berth up', async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  await new Promise((resolve) => closed.close(resolve));
  const result = await berth(['auth:whoami'], { BERTH_API_URL: url });
  assert.equal(result.code, 1);
  assert.equal(result.stderr, `Error: Cannot reach the Berth API at ${url}: is \`bin/berth up\` running? Set BERTH_API_URL if it listens elsewhere.\n`);
});

test('an unknown command suggests the nearest one and exits 2', async () => {
  const result = await berth(['apps:craete']);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /Did you mean berth apps:create\?/);
});

test('help lists every command including up and test, and exits 0', async () => {
  const result = await berth(['help']);
  assert.equal(result.code, 0);
  assert.match(result.stdout, /\n  up +install what is missing and start Berth in the foreground \(see bin\/berth up --help\)\n/);
  assert.match(result.stdout, /\n  test +run the whole test suite\n/);
  assert.equal((await berth(['--help'])).stdout, result.stdout);
});

test('CMD --help and help CMD print the same usage with examples', async () => {
  const viaFlag = await berth(['apps:create', '--help']);
  assert.equal(viaFlag.code, 0);
  assert.match(viaFlag.stdout, /^Usage: berth apps:create \[NAME\]/);
  assert.match(viaFlag.stdout, /Examples:\n  berth apps:create\n/);
  assert.equal((await berth(['help', 'apps:create'])).stdout, viaFlag.stdout);
});

test('a bad flag is a usage error with exit code 2', async () => {
  const result = await berth(['apps', '--bogus']);
  assert.deepEqual(result, { code: 2, stdout: '', stderr: 'Error: Unknown option --bogus.\nSee `berth apps --help`.\n' });
});

test('login with --password-stdin saves a 0600 credentials file and logout revokes it (an API without GET /instance: git is left alone)', async () => {
  const env = { BERTH_API_KEY: undefined, BERTH_API_URL: undefined };
  const loggedIn = await berth(['login', '--api-url', `${api.url}/`, '--email', EMAIL, '--password-stdin'], env, `${PASSWORD}\n`);
  assert.deepEqual(loggedIn, {
    code: 0,
    stdout: `Logged in as ${EMAIL}\n`,
    stderr: `Note: the API at ${api.url} does not say where its git host is; git is not set up (push with your API key as the password).\n`,
  });
  const login = api.requests.find((r) => r.method === 'POST' && r.path === '/oauth/authorizations');
  assert.equal(login?.headers.authorization, `Basic ${Buffer.from(`${EMAIL}:${PASSWORD}`).toString('base64')}`);
  assert.equal((JSON.parse(login?.body ?? '{}') as { scope: string[] }).scope[0], 'global');
  const file = join(home, '.config', 'berth', 'credentials.json');
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { [api.url]: { email: EMAIL, token: 'fresh-token', authorization_id: 'auth-1' } });
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.equal((await stat(join(home, '.config', 'berth'))).mode & 0o777, 0o700);

  assert.deepEqual(await berth(['auth:token'], env), { code: 0, stdout: 'fresh-token\n', stderr: '' });
  assert.equal((await berth(['auth:whoami'], env)).stdout, `${EMAIL}\n`);

  assert.deepEqual(await berth(['logout'], env), { code: 0, stdout: 'Logged out\n', stderr: '' });
  assert.ok(api.requests.some((r) => r.method === 'DELETE' && r.path === '/oauth/authorizations/auth-1'));
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), {});
});

test('login with a wrong password explains what to check and exits 1', async () => {
  const result = await berth(['login', '--email', EMAIL, '--password-stdin'], { BERTH_API_KEY: undefined }, 'wrong\n');
  assert.equal(result.code, 1);
  assert.match(result.stderr, /^Error: Invalid credentials provided\.\nCheck the email and password/);
});
