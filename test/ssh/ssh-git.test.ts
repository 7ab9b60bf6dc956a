/**
 * git over SSH through Berth's own sshd (src/ssh) in front of the real git service (the harness of
 * test/git: toy accounts alice and bob, apps owned by one of them), driven by the real OpenSSH and
 * git clients with keys made by ssh-keygen and a known_hosts file holding Berth's host keys.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { access, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseSshPublicKey } from '../../src/accounts/ssh-public-key.js';
import { freePort } from '../../src/addons/free-port.js';
import { startSshGit, type SshGit } from '../../src/ssh/ssh-git-server.js';
import { clientRepo, git, mustGit, processesUnder, refIn, remoteLines, startHarness, type Harness } from '../git/harness.js';
import { makeKeyPair, type KeyPair } from '../support/ssh-keys.js';
import { nextEvent, waitFor } from '../support/wait.js';

let h: Harness;
let ssh: SshGit;
let knownHosts: string;
let alice: KeyPair;
let bob: KeyPair;
let stranger: KeyPair;
let viewer: KeyPair;
const VIEW_ONLY = 'This needs the deploy permission on the app; carol has view.';
const gateDir = `/run/berth-ssh/t${randomBytes(4).toString('hex')}`;
/** Berth's log events of the SSH server ('event'). */
const sshLog = new EventEmitter();

before(async () => {
  h = await startHarness({ refuse: { carol: VIEW_ONLY } });
  [alice, bob, stranger, viewer] = await Promise.all([
    makeKeyPair(h.root, 'ed25519', 'alice@laptop'),
    makeKeyPair(h.root, 'ecdsa', 'bob@laptop'),
    makeKeyPair(h.root, 'ed25519', 'nobody@nowhere'),
    makeKeyPair(h.root, 'rsa', 'carol@laptop', 2048),
  ]);
  const owners = new Map([alice, bob, viewer].map((k, i) => [parseSshPublicKey(k.publicLine).sha256, ['alice', 'bob', 'carol'][i] as string]));
  ssh = await startSshGit({
    sshDir: join(h.root, 'ssh'),
    gateDir,
    bind: '127.0.0.1',
    port: await freePort('127.0.0.1'),
    nodePath: process.execPath,
    log: (event) => sshLog.emit('event', event),
    gate: {
      accountForKey: async (key) => owners.get(parseSshPublicKey(key).sha256),
      serveGit: (request, streams) => h.service.serveSsh(request, streams),
    },
  });
  knownHosts = join(h.root, 'known_hosts');
  await writeFile(knownHosts, ssh.hostKeys.map((k) => `[127.0.0.1]:${ssh.port} ${k.publicKey}\n`).join(''));
});
after(async () => {
  await ssh?.stop();
  await h?.close();
});

const sshArgs = (key: KeyPair) => ['-F', '/dev/null', '-i', key.privatePath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', 'StrictHostKeyChecking=yes', '-o', `UserKnownHostsFile=${knownHosts}`];
const sshEnv = (key: KeyPair) => ({ GIT_SSH_COMMAND: ['ssh', ...sshArgs(key)].join(' ') });
const url = (app: string) => `ssh://git@127.0.0.1:${ssh.port}/${app}.git`;

function runSsh(key: KeyPair, extra: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('ssh', [...sshArgs(key), '-p', String(ssh.port), ...extra], { timeout: 30_000, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: h.root } }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 255) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('git over SSH', () => {
  it("pushes with the owner's key through the same push pipeline as HTTPS, its output streamed as remote: lines", async () => {
    const { name, appId } = h.addApp('alice');
    const dir = await clientRepo(h);
    const result = await git(h, ['push', url(name), 'main'], dir, sshEnv(alice));
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(remoteLines(result.stderr).slice(0, 2), ['-----> Building', 'line two']);
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    assert.equal(await refIn(h, appId, 'refs/heads/main'), sha);
    const pushed = h.pushes.at(-1)!.push;
    assert.equal(pushed.accountId, 'alice');
    assert.equal(pushed.appId, appId);
  });

  it('clones and fetches over SSH (protocol v2 and v0) what was pushed', async () => {
    const { name } = h.addApp('alice');
    const dir = await clientRepo(h, { 'app.txt': 'v1\n' });
    await mustGit(h, ['push', url(name), 'main'], dir, sshEnv(alice));
    const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
    for (const version of ['2', '0']) {
      const target = join(h.root, `clone-${name}-v${version}`);
      await mustGit(h, ['-c', `protocol.version=${version}`, 'clone', '-q', url(name), target], h.root, sshEnv(alice));
      assert.equal((await mustGit(h, ['rev-parse', 'HEAD'], target)).stdout.trim(), sha);
      await mustGit(h, ['-c', `protocol.version=${version}`, 'fetch', '-q', 'origin'], target, sshEnv(alice));
    }
  });

  it('refuses a key no account has at login: Permission denied (publickey)', async () => {
    const { name } = h.addApp('alice');
    const before = h.pushes.length;
    const result = await git(h, ['push', url(name), 'main'], await clientRepo(h), sshEnv(stranger));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /git@127\.0\.0\.1: Permission denied \(publickey\)/);
    assert.equal(h.pushes.length, before);
  });

  it("answers another user's app exactly like a missing one, for push and clone, and changes nothing", async () => {
    const { name, appId } = h.addApp('alice');
    const before = h.pushes.length;
    const dir = await clientRepo(h);
    const theirs = await git(h, ['push', url(name), 'main'], dir, sshEnv(bob));
    const missing = await git(h, ['push', url('no-such-app'), 'main'], dir, sshEnv(bob));
    assert.notEqual(theirs.code, 0);
    const message = (r: { stderr: string }, app: string) => r.stderr.split('\n').find((l) => l.includes("Couldn't find that app"))?.replace(app, 'APP');
    assert.match(message(theirs, name) ?? '', /^ !     Couldn't find that app: APP\. Check the git remote \(git remote -v\) and that your SSH key belongs to its owner or a collaborator\.$/);
    assert.equal(message(theirs, name), message(missing, 'no-such-app'));
    const clone = await git(h, ['clone', '-q', url(name), join(h.root, `stolen-${name}`)], h.root, sshEnv(bob));
    assert.notEqual(clone.code, 0);
    assert.match(clone.stderr, /Couldn't find that app/);
    assert.equal(h.pushes.length, before);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
  });

  it("shows the access policy's refusal to an account without the deploy permission, as HTTPS answers 403", async () => {
    const { name, appId } = h.addApp('alice');
    const before = h.pushes.length;
    const result = await git(h, ['push', url(name), 'main'], await clientRepo(h), sshEnv(viewer));
    assert.notEqual(result.code, 0);
    assert.ok(result.stderr.split('\n').includes(` !     ${VIEW_ONLY}`), result.stderr);
    assert.equal(h.pushes.length, before);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
  });

  it('refuses a shell, other commands and paths outside /APP.git, running nothing', async () => {
    const shell = await runSsh(alice, ['git@127.0.0.1']);
    assert.equal(shell.code, 1);
    assert.match(shell.stderr, /only serves git push and fetch .* it runs no shell or other command\. Use: git push ssh:\/\/git@HOST:PORT\/APP\.git main/);
    const marker = join(h.root, `pwned-${randomBytes(3).toString('hex')}`);
    for (const command of [`touch ${marker}`, `git-upload-pack '/x.git'; touch ${marker}`, "git-upload-pack '../../etc'", 'sh -c id', 'scp -t /tmp']) {
      const result = await runSsh(alice, ['git@127.0.0.1', command]);
      assert.equal(result.code, 1, `${command}: ${result.stderr}`);
      assert.match(result.stderr, /^ !     (Berth's SSH server only serves git|Couldn't find that app)/m, command);
      assert.equal(result.stdout, '');
    }
    await assert.rejects(access(marker), 'no command ran');
    const sftp = await runSsh(alice, ['-s', 'git@127.0.0.1', 'sftp']);
    assert.equal(sftp.code, 255);
    assert.match(sftp.stderr, /subsystem request failed/);
  });

  it('refuses port forwarding, a TTY and logins as another user', async () => {
    const forward = await runSsh(alice, ['-W', `127.0.0.1:${ssh.port}`, 'git@127.0.0.1']);
    assert.notEqual(forward.code, 0);
    assert.match(forward.stderr, /administratively prohibited/);
    const tty = await runSsh(alice, ['-tt', 'git@127.0.0.1', "git-upload-pack '/x.git'"]);
    assert.match(tty.stderr, /PTY allocation request failed/);
    const root = await runSsh(alice, ['root@127.0.0.1', 'id']);
    assert.equal(root.code, 255);
    assert.match(root.stderr, /Permission denied \(publickey\)/);
  });

  it('stops git receive-pack when the SSH client disconnects in the middle of a push', async () => {
    const { name } = h.addApp('alice');
    const client = spawn('ssh', [...sshArgs(alice), '-p', String(ssh.port), 'git@127.0.0.1', `git-receive-pack '/${name}.git'`], {
      stdio: ['pipe', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: h.root },
    });
    // receive-pack advertises its refs, then waits for the push that never comes.
    await nextEvent(client.stdout, 'data', 'the ref advertisement over SSH');
    const running = await waitFor('git receive-pack for the push', async () => {
      const pids = await processesUnder(h.reposDir);
      return pids.length > 0 && pids;
    });
    client.kill('SIGKILL');
    await waitFor('git receive-pack to stop after the client disconnected', async () => (await processesUnder(h.reposDir)).every((pid) => !running.includes(pid)), 15_000);
  });

  it('restarts sshd when it dies, and git over SSH works again', async () => {
    const pid = Number((await readFile(join(h.root, 'ssh', 'sshd.pid'), 'utf8')).trim());
    const listening = new Promise<void>((resolve) => {
      const onEvent = (event: { msg?: string }) => {
        if (event.msg?.startsWith('Server listening on')) { sshLog.off('event', onEvent); resolve(); }
      };
      sshLog.on('event', onEvent);
    });
    const restarting = nextEvent<[{ msg: string }]>(sshLog, 'event', 'the log line saying sshd exited');
    process.kill(pid, 'SIGKILL');
    assert.match((await restarting)[0].msg, /^sshd exited \(SIGKILL\); restarting in \d+ ms$/);
    await listening;
    const { name } = h.addApp('alice');
    const result = await git(h, ['push', url(name), 'main'], await clientRepo(h), sshEnv(alice));
    assert.equal(result.code, 0, result.stderr);
  });

  it("runs sshd with an effective config that allows only the git user's keys and no forwarding", async () => {
    const effective = await new Promise<string>((resolve, reject) => {
      execFile('/usr/sbin/sshd', ['-T', '-f', join(h.root, 'ssh', 'sshd_config')], { timeout: 10_000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
    });
    const settings = new Map(effective.split('\n').map((line) => [line.split(' ')[0], line.slice(line.indexOf(' ') + 1)] as const));
    const expected: Record<string, string> = {
      passwordauthentication: 'no', kbdinteractiveauthentication: 'no', permitrootlogin: 'no', allowusers: 'git', authorizedkeysfile: 'none',
      allowtcpforwarding: 'no', allowagentforwarding: 'no', allowstreamlocalforwarding: 'no', x11forwarding: 'no', permittunnel: 'no',
      disableforwarding: 'yes', permittty: 'no', permituserrc: 'no', authorizedkeyscommanduser: 'git', exposeauthinfo: 'yes',
    };
    for (const [key, value] of Object.entries(expected)) assert.equal(settings.get(key), value, key);
    assert.match(settings.get('forcecommand') ?? '', /^\/run\/berth-ssh\/t[0-9a-f]+\/git-command$/);
    assert.equal(settings.has('subsystem'), false, 'no sftp subsystem');
  });
});
