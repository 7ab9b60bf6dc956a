import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { repoRoot } from '../support/repo-root.js';
import { captureIo } from './capture-io.js';

/** `berth login`/`logout` set up and remove git's access to the install's git host, driven through the real git with a temp HOME. */

const CA_PEM = '-----BEGIN CERTIFICATE-----\nMIIBberthTestCa\n-----END CERTIFICATE-----\n';
const PREFIX = 'https://git.example.test:5443/';
const EMAIL = 'git-user@example.test';
const PASSWORD = 'correct horse battery';

let home: string;
const api = useApi({ overrides: { localCaCertificate: CA_PEM } }, async (harness) => {
  home = await mkdtemp(join(tmpdir(), 'berth-git-access-'));
  await harness.createUser(EMAIL, PASSWORD);
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

/** The environment of every git and berth run here: nothing of the caller's HOME or config. */
const env = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: home, GIT_CONFIG_NOSYSTEM: '1', GIT_TERMINAL_PROMPT: '0', BERTH_API_URL: api.url });

async function berth(argv: string[], input?: string) {
  const captured = captureIo({ env: env(), cwd: home, ...(input === undefined ? {} : { input }) });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function git(args: string[], input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('git', args, { env: env(), cwd: home, timeout: 30_000, encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.on('error', () => undefined); // git config exits without reading stdin
    child.stdin?.end(input);
  });
}

/** `git credential fill` for a host: what git would send when pushing there. */
const fill = (host: string) => git(['credential', 'fill'], `protocol=https\nhost=${host}\npath=app.git\n\n`);

const savedLogin = async () => (JSON.parse(await readFile(join(home, '.config', 'berth', 'credentials.json'), 'utf8')) as Record<string, { token: string; ca_file?: string; git_url_prefix?: string }>)[api.url];

describe('git access after berth login', () => {
  before(async () => {
    // A helper for every host, with a stale password stored for Berth's git host: it must not be asked for that host.
    await git(['config', '--global', 'user.name', 'Kept Setting']);
    await git(['config', '--global', 'credential.helper', `store --file=${join(home, 'git-credentials')}`]);
    await writeFile(join(home, 'git-credentials'), 'https://stale:stale-password@git.example.test%3a5443\nhttps://someone:other-password@other.example.test\n');
  });

  it('login saves the CA and points git at the credential helper and the CA for that host only', async () => {
    const result = await berth(['login', '--email', EMAIL, '--password-stdin'], `${PASSWORD}\n`);
    assert.deepEqual(result, { code: 0, stdout: `Logged in as ${EMAIL}\ngit: ${PREFIX} uses this login and trusts its CA (\`git push berth main\` needs nothing else)\n`, stderr: '' });
    const login = await savedLogin();
    assert.equal(login?.git_url_prefix, PREFIX);
    assert.equal(login?.ca_file, join(home, '.config', 'berth', 'ca', 'git.example.test-5443.pem'));
    assert.equal(await readFile(login.ca_file as string, 'utf8'), CA_PEM);

    const helpers = await git(['config', '--global', '--get-all', `credential.${PREFIX}.helper`]);
    assert.equal(helpers.stdout, `\n!'${join(repoRoot(), 'bin', 'berth')}' git:credentials\n`);
    assert.equal((await git(['config', '--global', '--get-urlmatch', 'http.sslCAInfo', `${PREFIX}app.git`])).stdout, `${login.ca_file}\n`);
    assert.equal((await git(['config', '--global', '--get-urlmatch', 'http.sslCAInfo', 'https://other.example.test/app.git'])).code, 1, 'no CA for other hosts');
  });

  it('git gets the saved key for the Berth git host from berth git:credentials, and not the stale stored password', async () => {
    const login = await savedLogin();
    const filled = await fill('git.example.test:5443');
    assert.equal(filled.code, 0, filled.stderr);
    assert.match(filled.stdout, new RegExp(`\nusername=berth\npassword=${login?.token}\n`));
  });

  it('other hosts keep their own helpers: berth answers nothing there', async () => {
    const filled = await fill('other.example.test');
    assert.equal(filled.code, 0, filled.stderr);
    assert.match(filled.stdout, /\nusername=someone\npassword=other-password\n/);
  });

  it('the helper answers nothing for a host it has no login for, even when asked directly', async () => {
    const direct = await berth(['git:credentials', 'get'], 'protocol=https\nhost=git.example.test:9999\n\n');
    assert.deepEqual(direct, { code: 0, stdout: '', stderr: '' });
    assert.equal((await berth(['git:credentials', 'store'], 'protocol=https\nhost=git.example.test:5443\nusername=x\npassword=y\n\n')).code, 0);
    assert.equal((await berth(['git:credentials', 'launch'], '')).code, 2);
  });

  it('logging in again changes nothing in the git config', async () => {
    const before = await readFile(join(home, '.gitconfig'), 'utf8');
    assert.equal((await berth(['login', '--email', EMAIL, '--password-stdin'], `${PASSWORD}\n`)).code, 0);
    assert.equal(await readFile(join(home, '.gitconfig'), 'utf8'), before);
  });

  it('logout removes the helper, the CA setting and the saved CA, and keeps the rest of the git config', async () => {
    const caFile = (await savedLogin())?.ca_file as string;
    const result = await berth(['logout']);
    assert.deepEqual(result, { code: 0, stdout: `Logged out\ngit: removed the credential helper and CA for ${PREFIX}\n`, stderr: '' });
    assert.equal((await git(['config', '--global', '--get-all', `credential.${PREFIX}.helper`])).code, 1);
    assert.equal((await git(['config', '--global', '--get-urlmatch', 'http.sslCAInfo', `${PREFIX}app.git`])).code, 1);
    await assert.rejects(access(caFile), { code: 'ENOENT' });
    assert.equal((await git(['config', '--global', 'user.name'])).stdout, 'Kept Setting\n');
    // With Berth's helper gone, git falls back to the helper for every host again.
    assert.match((await fill('git.example.test:5443')).stdout, /\nusername=stale\npassword=stale-password\n/);
  });

  it('login on a machine without git still logs in, and says git is not set up', async () => {
    const captured = captureIo({ env: { ...env(), PATH: '/nonexistent' }, cwd: home, input: `${PASSWORD}\n` });
    assert.equal(await runCli(['login', '--email', EMAIL, '--password-stdin'], captured.io), 0, captured.stderr());
    assert.equal(captured.stdout(), `Logged in as ${EMAIL}\n`);
    assert.match(captured.stderr(), new RegExp(`^Warning: logged in, but git is not set up for ${PREFIX}: .*git is not installed`));
  });
});
