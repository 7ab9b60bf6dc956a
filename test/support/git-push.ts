import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { BerthProcess } from './berth-process.js';
import { repoRoot } from './repo-root.js';

const run = promisify(execFile);

export interface PushResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The pushed commit. */
  sha: string;
}

export interface AppRepo {
  dir: string;
  /**
   * Commits the working tree (after `change`, if any) and pushes it to the app, on the Berth
   * the repo was made for or on `to` (a restarted control plane has new API ports).
   */
  push(change?: (dir: string) => Promise<void>, to?: BerthProcess): Promise<PushResult>;
  remove(): Promise<void>;
}

const gitEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: tmpdir(),
  LANG: 'C.UTF-8',
  GIT_TERMINAL_PROMPT: '0',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Berth Test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'Berth Test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  ...extra,
});

/** Runs git in `dir` as the tests' user (no system config, no prompts). */
export async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', dir, ...args], { env: gitEnv(), timeout: 30_000 });
  return stdout;
}

/**
 * A fixture app from test/fixtures/apps/ copied into a fresh git repo (branch main), pushed over
 * HTTPS to `<app>.git` the way a user with `git push berth main` would.
 */
export async function appRepo(berth: BerthProcess, app: string, fixture: string): Promise<AppRepo> {
  const dir = await mkdtemp(join(tmpdir(), `berth-push-${fixture}-`));
  await cp(join(repoRoot(), 'test', 'fixtures', 'apps', fixture), dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  let commits = 0;
  return {
    dir,
    async push(change, to = berth) {
      if (change) await change(dir);
      await git(dir, ['add', '--all']);
      await git(dir, ['commit', '--quiet', '--allow-empty', '-m', `commit ${++commits}`]);
      const sha = (await git(dir, ['rev-parse', 'HEAD'])).trim();
      const result = await pushRepo(to, dir, app);
      return { ...result, sha };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

/** `git push https://localhost:<tls port>/<app>.git main` (or `refspec`) with the admin key; bounded by a timeout. */
export function pushRepo(berth: BerthProcess, dir: string, app: string, timeoutMs = 120_000, refspec = 'main'): Promise<Omit<PushResult, 'sha'>> {
  const auth = Buffer.from(`x:${berth.adminKey}`).toString('base64');
  const url = `https://localhost:${berth.runtime.api_tls_port}/${app}.git`;
  const child = spawn('git', ['-C', dir, '-c', 'credential.helper=', '-c', `http.extraHeader=Authorization: Basic ${auth}`, 'push', url, refspec], {
    env: gitEnv({ GIT_SSL_CAINFO: berth.runtime.ca_cert }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** Writes a file into an app repo (relative path). */
export function writeAppFile(dir: string, path: string, text: string): Promise<void> {
  return writeFile(join(dir, path), text);
}

/** Replaces a repo's working tree (everything but .git) with another fixture's files. */
export async function replaceWithFixture(dir: string, fixture: string): Promise<void> {
  for (const entry of await readdir(dir)) if (entry !== '.git') await rm(join(dir, entry), { recursive: true, force: true });
  await cp(join(repoRoot(), 'test', 'fixtures', 'apps', fixture), dir, { recursive: true });
}
