/**
 * An in-process git service on 127.0.0.1:0 with toy accounts and apps, plus helpers that drive
 * the real git client against it. Every harness has its own temp dir (repos, hook socket, client
 * repos, HOME) removed by close().
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readlink, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitService, type GitService, type GitServiceOptions } from '../../src/git/git-service.js';
import type { GitPush, OnPush, PushIo } from '../../src/git/git-push.js';

export const KEYS: Record<string, string> = { 'key-alice-123': 'alice', 'key-bob-456': 'bob' };
export const ALICE_KEY = 'key-alice-123';
export const BOB_KEY = 'key-bob-456';

export interface RecordedPush {
  push: GitPush;
  io: PushIo;
}

export interface Harness {
  root: string;
  reposDir: string;
  url: string;
  service: GitService;
  pushes: RecordedPush[];
  logs: Array<Record<string, unknown>>;
  /** Replace what onPush does (default: write two lines, return ok). */
  onPush: OnPush;
  /** Make an app owned by `owner` with a fresh id; returns its name. */
  addApp(owner: string, name?: string): { name: string; appId: string };
  /** `http://user:key@host:port/<app>.git` */
  remote(app: string, key?: string): string;
  repoPath(appId: string): string;
  close(): Promise<void>;
}

export interface HarnessOptions {
  tls?: { cert: Buffer; key: Buffer };
  /** Accounts the default resolveApp refuses as the access policy would (account → its message). */
  refuse?: Record<string, string>;
  service?: Partial<GitServiceOptions>;
}

const basicPassword = (header: string): string | undefined => {
  const m = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header);
  if (!m) return undefined;
  const decoded = Buffer.from(m[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
};

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const root = await mkdtemp(join(tmpdir(), 'berth-git-'));
  const reposDir = join(root, 'repos');
  const apps = new Map<string, { appId: string; owner: string }>();
  const pushes: RecordedPush[] = [];
  const logs: Array<Record<string, unknown>> = [];
  const harness = {
    onPush: (async (_push, io) => {
      io.write('-----> Building');
      io.write('line two');
      return { ok: true };
    }) as OnPush,
  };
  const service = await createGitService({
    reposDir,
    authenticate: async (header) => {
      const account = KEYS[basicPassword(header) ?? ''];
      return account ? { accountId: account } : undefined;
    },
    resolveApp: async (name, accountId) => {
      const app = apps.get(name);
      if (!app) return 'not_found';
      const refused = options.refuse?.[accountId];
      if (refused !== undefined) return { refused };
      if (app.owner !== accountId) return 'not_found';
      return { appId: app.appId, appName: name };
    },
    onPush: (push, io) => {
      pushes.push({ push, io });
      return harness.onPush(push, io);
    },
    log: (event) => { logs.push(event); },
    ...options.service,
  });
  const handler = (req: Parameters<GitService['handle']>[0], res: Parameters<GitService['handle']>[1]): void => {
    if (!service.handle(req, res)) {
      res.writeHead(418, { 'Content-Type': 'text/plain' });
      res.end('not git\n');
    }
  };
  const server: Server = options.tls ? createHttpsServer(options.tls, handler) : createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const scheme = options.tls ? 'https' : 'http';
  const url = `${scheme}://127.0.0.1:${port}`;
  await mkdir(join(root, 'home'));
  await writeFile(join(root, 'gitconfig'), '[user]\n\tname = Test\n\temail = test@example.com\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');

  return Object.assign(harness, {
    root,
    reposDir,
    url,
    service,
    pushes,
    logs,
    addApp(owner: string, name = `app-${randomBytes(4).toString('hex')}`) {
      const appId = `id-${randomBytes(8).toString('hex')}`;
      apps.set(name, { appId, owner });
      return { name, appId };
    },
    remote: (app: string, key = ALICE_KEY) => `${scheme}://user:${key}@127.0.0.1:${port}/${app}.git`,
    repoPath: (appId: string) => join(reposDir, `${appId}.git`),
    async close() {
      await service.close();
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  });
}

export interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the real git client with an isolated config, no prompts, and a bounded runtime. */
export function git(h: Harness, args: string[], cwd: string, env: Record<string, string> = {}): Promise<GitResult> {
  return new Promise((resolve) => {
    execFile('git', args, {
      cwd,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        HOME: join(h.root, 'home'),
        LANG: 'C',
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: join(h.root, 'gitconfig'),
        GIT_TERMINAL_PROMPT: '0',
        ...env,
      },
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 255) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

let counter = 0;

/** A fresh client repository with one commit containing `files`. */
export async function clientRepo(h: Harness, files: Record<string, string> = { 'README.md': 'hello\n' }): Promise<string> {
  const dir = join(h.root, `client-${++counter}`);
  await mkdir(dir);
  await mustGit(h, ['init', '-q', '-b', 'main'], dir);
  await commit(h, dir, files, 'first');
  return dir;
}

export async function commit(h: Harness, dir: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  await mustGit(h, ['add', '-A'], dir);
  await mustGit(h, ['commit', '-q', '-m', message], dir);
  return (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
}

export async function mustGit(h: Harness, args: string[], cwd: string, env: Record<string, string> = {}): Promise<GitResult> {
  const result = await git(h, args, cwd, env);
  if (result.code !== 0) throw new Error(`git ${args.join(' ')} failed (${result.code}): ${result.stderr}`);
  return result;
}

/** The sha of `ref` in the app's bare repository, or undefined. */
export async function refIn(h: Harness, appId: string, ref: string): Promise<string | undefined> {
  const r = await git(h, ['--git-dir', h.repoPath(appId), 'rev-parse', '--verify', '--quiet', ref], h.root);
  return r.code === 0 ? r.stdout.trim() : undefined;
}

/** Pids of processes whose working directory or command line lies under `dir`. */
export async function processesUnder(dir: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => '');
    const cmdline = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cwd.startsWith(dir) || cmdline.includes(dir)) found.push(Number(entry));
  }
  return found;
}

/** The `remote: ` lines of a git client's stderr, without git's trailing padding. */
export const remoteLines = (stderr: string): string[] =>
  stderr.split('\n').filter((l) => l.startsWith('remote: ')).map((l) => l.slice('remote: '.length).trimEnd());
