/**
 * git over SSH, put together: Berth's own sshd (sshd-config.ts, sshd-process.ts) on its own port
 * with host keys from the data dir, and the gate it calls back into (gate-main.ts, run as the
 * `git` user; gate-server.ts in the control plane). The gate's socket and the two small programs
 * sshd runs live in GATE_DIR (e.g. /run/berth-ssh/<instance>), owned by root and group git, mode
 * 0750: the data dir stays 0700, and sshd's ownership checks for AuthorizedKeysCommand pass.
 *
 *   git push ssh://git@HOST:PORT/APP.git main
 *     → sshd: user git, public key → keys-command → gate socket: "is this key an account's?"
 *     → session: ForceCommand git-command → gate socket: key + SSH_ORIGINAL_COMMAND + stdin
 *     → SshGatePort.serveGit (the git service: same access check and push pipeline as HTTPS)
 */
import { execFile } from 'node:child_process';
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SshGateServer, type SshGatePort } from './gate-server.js';
import { ensureHostKeys, type HostKey } from './host-keys.js';
import { SAFE_PATH, renderSshdConfig } from './sshd-config.js';
import { SshdProcess, stopStaleSshd } from './sshd-process.js';

const run = promisify(execFile);

/** The Unix user git clients log in as: ssh://git@HOST/APP.git (scripts/install.sh creates it). */
export const SSH_GIT_USER = 'git';

export interface SshGitOptions {
  /** Host keys, sshd_config and the pid file (inside the data dir). */
  sshDir: string;
  /** Where the gate socket and the programs sshd runs go (root:git 0750; outside the data dir). */
  gateDir: string;
  bind: string;
  /** A concrete port (the caller picks a free one for 0). */
  port: number;
  gate: SshGatePort;
  /** Node binary the gate runs with (must be readable and executable by the git user). */
  nodePath: string;
  sshdPath?: string;
  log(event: Record<string, unknown>): void;
}

export interface SshGit {
  port: number;
  hostKeys: HostKey[];
  stop(): Promise<void>;
}

async function gitUserIds(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('getent', ['passwd', SSH_GIT_USER], { timeout: 10_000 }).catch(() => ({ stdout: '' }));
  const [, , uid, gid] = stdout.trim().split(':');
  if (uid === undefined || gid === undefined) {
    throw new Error(`there is no system user ${SSH_GIT_USER} to log in as (scripts/install.sh creates it)`);
  }
  return { uid: Number(uid), gid: Number(gid) };
}

/** A small program in the gate dir: sshd runs it; it runs gate-main.js with node. */
async function writeProgram(path: string, gid: number, argv: string[]): Promise<void> {
  for (const arg of argv) if (!SAFE_PATH.test(arg) && !/^[a-z]+$/.test(arg)) throw new Error(`unsafe path for sshd's programs: ${JSON.stringify(arg)}`);
  await writeFile(path, `#!/bin/sh\n# Written by Berth for its sshd (git over SSH).\nexec ${argv.join(' ')} "$@"\n`, { mode: 0o750 });
  await chown(path, 0, gid);
  await chmod(path, 0o750);
}

export async function startSshGit(options: SshGitOptions): Promise<SshGit> {
  const sshdPath = options.sshdPath ?? '/usr/sbin/sshd';
  await run(sshdPath, ['-V'], { timeout: 10_000 }).catch((err: NodeJS.ErrnoException & { stderr?: string }) => {
    if (err.code === 'ENOENT') throw new Error(`${sshdPath} is missing (scripts/install.sh installs openssh-server)`);
  });
  const { gid } = await gitUserIds();
  await mkdir(options.sshDir, { recursive: true, mode: 0o700 });
  // sshd's privilege separation directory.
  await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
  // The parent (e.g. /run/berth-ssh) must be traversable by the git user and root-owned.
  await mkdir(dirname(options.gateDir), { recursive: true, mode: 0o755 });
  await chmod(dirname(options.gateDir), 0o755);
  await mkdir(options.gateDir, { recursive: true, mode: 0o750 });
  await chown(options.gateDir, 0, gid);
  await chmod(options.gateDir, 0o750);

  const hostKeys = await ensureHostKeys(options.sshDir);
  const gateMain = fileURLToPath(new URL('./gate-main.js', import.meta.url));
  const socketPath = join(options.gateDir, 'gate.sock');
  const keysCommand = join(options.gateDir, 'keys-command');
  const gitCommand = join(options.gateDir, 'git-command');
  await writeProgram(keysCommand, gid, [options.nodePath, gateMain, 'keys', socketPath]);
  await writeProgram(gitCommand, gid, [options.nodePath, gateMain, 'git', socketPath]);

  const configPath = join(options.sshDir, 'sshd_config');
  const pidFile = join(options.sshDir, 'sshd.pid');
  const config = renderSshdConfig({
    bind: options.bind, port: options.port, hostKeyPaths: hostKeys.map((k) => k.path), pidFile, keysCommand, gitCommand, user: SSH_GIT_USER,
  });
  await writeFile(configPath, config, { mode: 0o600 });

  const gate = await SshGateServer.listen(socketPath, gid, options.gate, options.log);
  const sshd = new SshdProcess({ sshdPath, configPath, pidFile, log: options.log });
  try {
    if (await stopStaleSshd(pidFile, configPath)) options.log({ at: 'warn', component: 'sshd', msg: 'stopped an sshd a previous control plane left running' });
    // The chain sshd relies on, checked once as the git user: node, gate-main.js and the socket.
    await run('setpriv', ['--reuid', SSH_GIT_USER, '--regid', SSH_GIT_USER, '--init-groups', '--', keysCommand, 'ssh-ed25519', 'AAAAC3NzaC1lZDI1NTE5AAAAIBerthSelfCheckBerthSelfCheckBerthSelfChe'], { timeout: 15_000 })
      .catch((err: { stderr?: string; message: string }) => {
        throw new Error(`the ${SSH_GIT_USER} user cannot run Berth's SSH gate (${keysCommand}): ${(err.stderr || err.message).trim().split('\n').slice(-2).join(' ')}`);
      });
    await sshd.start();
  } catch (err) {
    await sshd.stop();
    await gate.close();
    await rm(options.gateDir, { recursive: true, force: true });
    throw err;
  }
  return {
    port: options.port,
    hostKeys,
    async stop() {
      await sshd.stop();
      await gate.close();
      await rm(options.gateDir, { recursive: true, force: true });
    },
  };
}
