/**
 * git over SSH on a real `bin/berth up --ssh-port 0`: an account adds its key through the API and
 * deploys with `git push ssh://git@localhost:PORT/APP.git main` (the real ssh and git clients,
 * Berth's host keys in a known_hosts file written from berth.json); another account's key is
 * refused with the same message as a missing app. The harness checks sshd does not outlive Berth.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { shutDown, useBerth } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';
import { makeKeyPair, type KeyPair } from '../support/ssh-keys.js';
import { waitFor } from '../support/wait.js';

interface Run { code: number; stdout: string; stderr: string }

describe('git over SSH deploys an app with a key from /account/keys', () => {
  const berth = useBerth({ args: ['--ssh-port', '0'] });
  let dir: string;
  let env: (key: KeyPair) => NodeJS.ProcessEnv;
  let owner: KeyPair;
  let stranger: KeyPair;
  let teammate: KeyPair;
  let app: string;
  let url: string;

  const git = (args: string[], key: KeyPair, timeout = 180_000): Promise<Run> =>
    new Promise((resolve) => {
      execFile('git', ['-C', join(dir, 'app'), ...args], { env: env(key), timeout }, (err, stdout, stderr) => {
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 255) : 0, stdout: String(stdout), stderr: String(stderr) });
      });
    });

  before(async () => {
    dir = await berth.tempDir('ssh');
    const { ssh_port: port, ssh_git_url: pattern, ssh_host_keys: hostKeys } = berth.runtime;
    assert.ok(port && pattern && hostKeys && hostKeys.length > 0, `berth.json names the SSH port, URL and host keys: ${JSON.stringify(berth.runtime)}`);
    url = pattern.replace('<app>', '%APP%');
    const knownHosts = join(dir, 'known_hosts');
    await writeFile(knownHosts, hostKeys.map((k) => `[localhost]:${port},[127.0.0.1]:${port} ${k.public_key}\n`).join(''));
    env = (key) => ({
      PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LANG: 'C', GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Berth Test', GIT_AUTHOR_EMAIL: 'test@example.com', GIT_COMMITTER_NAME: 'Berth Test', GIT_COMMITTER_EMAIL: 'test@example.com',
      GIT_SSH_COMMAND: `ssh -F /dev/null -i ${key.privatePath} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${knownHosts}`,
    });
    [owner, stranger, teammate] = await Promise.all([
      makeKeyPair(dir, 'ed25519', 'owner@laptop'), makeKeyPair(dir, 'ed25519', 'stranger@laptop'), makeKeyPair(dir, 'ecdsa', 'teammate@laptop'),
    ]);
    const owners = await berth.createAccount(`ssh-owner-${Date.now()}@example.test`, 'correct horse battery');
    const strangers = await berth.createAccount(`ssh-stranger-${Date.now()}@example.test`, 'correct horse battery');
    const teammateEmail = `ssh-teammate-${Date.now()}@example.test`;
    const teammates = await berth.createAccount(teammateEmail, 'correct horse battery');
    for (const [account, key] of [[owners, owner], [strangers, stranger], [teammates, teammate]] as const) {
      const added = await api(berth, '/account/keys', { key: account.key, method: 'POST', body: JSON.stringify({ public_key: key.publicLine }) });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
    app = await berth.createApp('ssh', owners.key);
    const shared = await api(berth, `/apps/${app}/collaborators`, { key: owners.key, method: 'POST', body: JSON.stringify({ user: teammateEmail, silent: true }) });
    assert.equal(shared.status, 201, JSON.stringify(shared.body));
    await cp(join(repoRoot(), 'test', 'fixtures', 'apps', 'procfile-web'), join(dir, 'app'), { recursive: true });
    await git(['init', '-q', '-b', 'main'], owner);
    await git(['add', '-A'], owner);
    await git(['commit', '-q', '-m', 'over ssh'], owner);
  });

  it('prints the SSH git URL and the host key fingerprints in the banner', () => {
    const line = berth.output().split('\n').find((l) => l.includes('git (SSH)'));
    assert.match(line ?? '', new RegExp(`git \\(SSH\\)  ssh://git@localhost:${berth.runtime.ssh_port}/<app>\\.git   host key SHA256:\\S+ SHA256:\\S+`));
    for (const key of berth.runtime.ssh_host_keys ?? []) assert.ok(line?.includes(key.fingerprint));
  });

  it("refuses a push with another account's key like a missing app, and nothing is built", async () => {
    const refused = await git(['push', url.replace('%APP%', app), 'main'], stranger, 60_000);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, new RegExp(`Couldn't find that app: ${app}\\.`));
    const builds = await api(berth, `/apps/${app}/builds`);
    assert.deepEqual(builds.body, []);
  });

  it("deploys with the owner's key: the build streams back as remote: lines and the app serves", async () => {
    const pushed = await git(['push', url.replace('%APP%', app), 'main'], owner);
    const output = pushed.stdout + pushed.stderr;
    assert.equal(pushed.code, 0, output);
    assert.match(output, /remote: -----> Procfile app detected/);
    assert.match(output, /remote: .*Released v2/);
    assert.match(output, /Verifying deploy\.\.\. done\./);
    const reply = await routerGet(berth, app, '/over-ssh');
    assert.equal(reply.status, 200);
    assert.equal(reply.body, 'procfile-web ok /over-ssh\n');
  });

  it("lets a collaborator fetch the deployed code over SSH with the collaborator's own key", async () => {
    const head = (await git(['rev-parse', 'HEAD'], owner)).stdout.trim();
    const listed = await git(['ls-remote', url.replace('%APP%', app), 'refs/heads/main'], teammate, 60_000);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, `${head}\trefs/heads/main\n`);
  });
});

describe('git over SSH after the control plane was killed', () => {
  let first: BerthProcess;
  let second: BerthProcess | undefined;
  let keys: string;

  const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
  const sshdPid = async (berth: BerthProcess) => Number((await readFile(join(berth.dataDir, 'ssh', 'sshd.pid'), 'utf8')).trim());

  before(async () => {
    first = await startBerth({ args: ['--ssh-port', '0'] });
    keys = await mkdtemp(join(tmpdir(), 'berth-e2e-sshkill-'));
  });
  after(async () => {
    const left = await shutDown(second ?? first, { killedEarlier: true });
    await first?.stop();
    await rm(keys, { recursive: true, force: true });
    assert.deepEqual(left, [], 'no sshd, agent or other process outlives berth');
  });

  it('stops the sshd a SIGKILLed control plane left behind when it starts again, and serves SSH with the same host keys', async () => {
    const orphan = await sshdPid(first);
    const hostKeys = first.runtime.ssh_host_keys;
    assert.equal(await first.stop('SIGKILL'), null);
    assert.equal(alive(orphan), true, 'sshd outlives a SIGKILL of its control plane');

    second = await startBerth({ dataDir: first.dataDir, args: ['--ssh-port', '0'] });
    assert.match(second.output(), /stopped an sshd a previous control plane left running/);
    await waitFor('the orphaned sshd to exit', () => !alive(orphan), 10_000);
    assert.notEqual(await sshdPid(second), orphan);
    assert.deepEqual(second.runtime.ssh_host_keys, hostKeys, 'the host keys of the data dir are kept');

    const key = await makeKeyPair(keys, 'ed25519', 'admin@laptop');
    const added = await api(second, '/account/keys', { method: 'POST', body: JSON.stringify({ public_key: key.publicLine }) });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    const created = await api(second, '/apps', { method: 'POST', body: JSON.stringify({}) });
    assert.equal(created.status, 201);
    const port = second.runtime.ssh_port!;
    await writeFile(join(keys, 'known_hosts'), (hostKeys ?? []).map((k) => `[127.0.0.1]:${port} ${k.public_key}\n`).join(''));
    const listed = await new Promise<Run>((resolve) => {
      execFile('git', ['ls-remote', `ssh://git@127.0.0.1:${port}/${created.body.name as string}.git`], {
        timeout: 60_000,
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: keys, GIT_SSH_COMMAND: `ssh -F /dev/null -i ${key.privatePath} -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=${join(keys, 'known_hosts')}` },
      }, (err, stdout, stderr) => resolve({ code: err ? (typeof err.code === 'number' ? err.code : 255) : 0, stdout: String(stdout), stderr: String(stderr) }));
    });
    assert.deepEqual(listed, { code: 0, stdout: '', stderr: '' }, 'an empty repository, listed over SSH');
  });
});
