import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { useApi } from '../support/api-harness.js';
import { testEnv } from '../support/berth-process.js';
import { repoRoot } from '../support/repo-root.js';
import { makeKeyPair, sshKeygenFingerprint, type KeyPair } from '../support/ssh-keys.js';
import { captureIo } from './capture-io.js';

const HEROKU = join(repoRoot(), 'node_modules', '.bin', 'heroku');

let home: string;
let key: string;
let keyDir: string;
let laptop: KeyPair;
let work: KeyPair;
let official: KeyPair;

const api = useApi({}, async (started) => {
  key = (await started.createUser('cli-keys@example.test')).key;
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-keys-'));
  keyDir = await mkdtemp(join(tmpdir(), 'berth-cli-keypairs-'));
  [laptop, work, official] = await Promise.all([
    makeKeyPair(keyDir, 'ed25519', 'dev@laptop'),
    makeKeyPair(keyDir, 'ecdsa', 'dev@work'),
    makeKeyPair(keyDir, 'rsa', 'dev@heroku-cli', 3072),
  ]);
});
after(async () => {
  await rm(home, { recursive: true, force: true });
  await rm(keyDir, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

function heroku(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const base = testEnv();
  for (const name of Object.keys(base)) if (name.startsWith('HEROKU_')) delete base[name];
  const env = {
    ...base, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), XDG_DATA_HOME: join(home, '.local', 'share'),
    HEROKU_HOST: api.url, HEROKU_API_KEY: key, HEROKU_PARTICLEBOARD_URL: api.url, DISABLE_TELEMETRY: 'true',
    HEROKU_SKIP_NEW_VERSION_CHECK: 'true', HEROKU_DISABLE_AUTOUPDATE: 'true', CI: 'true', NO_COLOR: '1', FORCE_COLOR: '0',
  };
  return new Promise((resolve, reject) => {
    const child = execFile(HEROKU, args, { env, cwd: home, timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (typeof code !== 'number') return reject(new Error(`heroku ${args.join(' ')} did not exit normally: ${error?.message}\n${stdout}\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}

describe('berth keys', () => {
  it('keys:add without a file says where it looked and how to make a key', async () => {
    const none = await berth(['keys:add']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /No public key found: looked for .*\.ssh\/id_ed25519\.pub/);
    assert.match(none.stderr, /ssh-keygen -t ed25519/);
  });

  it('keys:add uploads ~/.ssh/id_ed25519.pub by default and a named file, keys lists both with fingerprints', async () => {
    await mkdir(join(home, '.ssh'), { recursive: true });
    await copyFile(laptop.publicPath, join(home, '.ssh', 'id_ed25519.pub'));
    const first = await berth(['keys:add']);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout, `Uploading ${join(home, '.ssh', 'id_ed25519.pub')} SSH key... done\n`);
    assert.equal((await berth(['keys:add', work.publicPath])).code, 0);

    const listed = await berth(['keys']);
    assert.equal(listed.code, 0, listed.stderr);
    // Listed oldest first; both were made within the API harness's clock tick, so either order.
    const [header, ...lines] = listed.stdout.trim().split('\n').sort((a, b) => (a.startsWith('===') ? -1 : b.startsWith('===') ? 1 : a.localeCompare(b)));
    assert.equal(header, '=== cli-keys@example.test keys');
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, new RegExp(`^ssh-ed25519 AAAAC3NzaC\\.\\.\\.\\S{10} dev@laptop  ${await sshKeygenFingerprint(laptop.publicPath, 'md5')}$`));
    assert.match(lines[0]!, /^ecdsa-sha2-nistp256 \S{10}\.\.\.\S{10} dev@work  [0-9a-f:]{47}$/);
    assert.ok((await berth(['keys', '--long'])).stdout.trim().split('\n').includes(work.publicLine));
  });

  it('keys:add refuses a duplicate with the API message and keys:remove an unknown key, listing the real ones', async () => {
    const twice = await berth(['keys:add', work.publicPath]);
    assert.equal(twice.code, 1);
    assert.match(twice.stderr, /already on your account/);
    const unknown = await berth(['keys:remove', 'nobody@nowhere']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /No SSH key nobody@nowhere/);
    assert.match(unknown.stderr, /Your keys: .*dev@laptop \([0-9a-f:]{47}\)/);
    assert.match(unknown.stderr, /Your keys: .*dev@work \([0-9a-f:]{47}\)/);
  });

  it('keys:remove removes a key by comment, then the other by fingerprint', async () => {
    assert.deepEqual(await berth(['keys:remove', 'dev@laptop']), { code: 0, stdout: 'Removing dev@laptop SSH key... done\n', stderr: '' });
    const fingerprint = await sshKeygenFingerprint(work.publicPath, 'md5');
    assert.equal((await berth(['keys:remove', fingerprint])).code, 0);
    const empty = await berth(['keys']);
    assert.equal(empty.stdout, '');
    assert.match(empty.stderr, /You have no SSH keys/);
  });
});

describe('the official heroku CLI', () => {
  it('heroku keys:add uploads a key file, heroku keys shows it, heroku keys:remove removes it by comment', async () => {
    const added = await heroku(['keys:add', official.publicPath]);
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stderr, /Uploading .* SSH key\.\.\. done/);
    const listed = await heroku(['keys']);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /dev@heroku-cli keys/);
    assert.match(listed.stdout, /ssh-rsa AAAAB3NzaC\.\.\.\S{10} dev@heroku-cli/);
    const removed = await heroku(['keys:remove', 'dev@heroku-cli']);
    assert.equal(removed.code, 0, removed.stderr);
    assert.match((await heroku(['keys'])).stderr, /You have no SSH keys/);
  });
});
