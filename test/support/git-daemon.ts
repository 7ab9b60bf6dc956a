import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from './wait.js';

const run = promisify(execFile);

export interface GitDaemon {
  /** `git://127.0.0.1:PORT/<name>.git` of a repository served by this daemon. */
  url(name: string): string;
  stop(): Promise<void>;
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * A read-only `git daemon` on 127.0.0.1 serving bare repositories made from directories
 * (`repos`: name → directory to commit), e.g. a buildpack to install by git URL.
 */
export async function startGitDaemon(repos: Record<string, string>): Promise<GitDaemon> {
  const base = await mkdtemp(join(tmpdir(), 'berth-git-daemon-'));
  for (const [name, source] of Object.entries(repos)) {
    const work = join(base, `${name}-work`);
    await cp(source, work, { recursive: true });
    await run('git', ['-C', work, 'init', '--quiet', '--initial-branch', 'main'], { env });
    await run('git', ['-C', work, 'add', '--all'], { env });
    await run('git', ['-C', work, 'commit', '--quiet', '-m', 'buildpack'], { env });
    await run('git', ['clone', '--quiet', '--bare', work, join(base, `${name}.git`)], { env });
  }
  let child: ChildProcess | undefined;
  let port = 0;
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const candidate = spawn('git', ['daemon', '--reuseaddr', '--export-all', `--base-path=${base}`, '--listen=127.0.0.1', `--port=${port}`, base], { env, stdio: 'ignore' });
    // The port may be taken meanwhile: then the daemon exits and the next attempt takes another.
    const listening = await waitFor(`git daemon to accept on port ${port}`, async () => (candidate.exitCode !== null ? 'exited' : (await accepts(port)) && 'accepting'), 10_000).catch(() => 'no answer');
    if (listening === 'accepting') child = candidate;
    else candidate.kill('SIGKILL');
  }
  if (!child) throw new Error('git daemon did not start');
  const daemon = child;
  return {
    url: (name) => `git://127.0.0.1:${port}/${name}.git`,
    async stop() {
      if (daemon.exitCode === null && daemon.signalCode === null) {
        const exited = new Promise((resolve) => daemon.once('exit', resolve));
        daemon.kill('SIGTERM');
        await exited;
      }
      await rm(base, { recursive: true, force: true });
    },
  };
}
