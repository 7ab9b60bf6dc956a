/**
 * git over SSH on a real `bin/berth up --ssh-port 0`: an account adds its key through the API and
 * deploys with `git push ssh://git@localhost:PORT/APP.git main` (the real ssh and git clients,
 * Berth's host keys in a known_hosts file written from berth.json); another account's key is
 * refused with the same message as a missing app. The harness checks sshd does not outlive Berth.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';
import { makeKeyPair, type KeyPair } from '../support/ssh-keys.js';

interface Run { code: number; stdout: string; stderr: string }

describe('git over SSH deploys an app with a key from /account/keys', () => {
  const berth = useBerth({ args: ['--ssh-port', '0'] });
  let dir: string;
  let env: (key: KeyPair) => NodeJS.ProcessEnv;
  let owner: KeyPair;
  let stranger: KeyPair;
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
    [owner, stranger] = await Promise.all([makeKeyPair(dir, 'ed25519', 'owner@laptop'), makeKeyPair(dir, 'ed25519', 'stranger@laptop')]);
    const owners = await berth.createAccount(`ssh-owner-${Date.now()}@example.test`, 'correct horse battery');
    const strangers = await berth.createAccount(`ssh-stranger-${Date.now()}@example.test`, 'correct horse battery');
    for (const [account, key] of [[owners, owner], [strangers, stranger]] as const) {
      const added = await api(berth, '/account/keys', { key: account.key, method: 'POST', body: JSON.stringify({ public_key: key.publicLine }) });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
    app = await berth.createApp('ssh', owners.key);
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
});
