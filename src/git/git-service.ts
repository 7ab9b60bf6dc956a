/**
 * The git service: smart HTTP(S) at `/<app>.git` for `git push` (deploys) and `git clone`,
 * mounted by the control plane on its HTTP and HTTPS servers:
 *
 *   const git = await createGitService({ reposDir, authenticate, resolveApp, onPush, log });
 *   server.on('request', (req, res) => { if (!git.handle(req, res)) api(req, res); });
 *
 * Access: no credentials → 401 + `WWW-Authenticate: Basic realm="Berth"` (git then asks its
 * credential helper); any username with the API key as password; a key that does not
 * authenticate → 401 (git: "Authentication failed"). An app that does not exist and an app the
 * account has no standing on get the SAME answer, 404 "Couldn't find that app" (git: "repository
 * not found"), so the git URL never reveals which apps exist; a collaborator without the deploy
 * permission gets 403 with the access policy's message (resolveApp's `refused`).
 *
 * Pushes run `git receive-pack`, whose pre-receive hook calls back over a unix socket (see
 * hook-server.ts) so onPush builds while the pusher watches; see pre-receive-hook.ts.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { mkdir, realpath } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GitEnvironment } from './git-command.js';
import { commitsBetween, type LoggedCommit } from './commit-log.js';
import type { OnBranches, OnPush } from './git-push.js';
import { matchGitRoute, type GitRoute } from './git-route.js';
import { HookServer } from './hook-server.js';
import { Repositories, hookScript } from './repositories.js';
import { advertiseRefs, sendText, serveRpc, type RpcOptions } from './smart-http.js';
import { serveSshSession, type SshGitRequest, type SshGitStreams } from './ssh-session.js';

export type GitAccess = 'push' | 'pull';

export interface GitServiceOptions {
  /** Bare repositories live at `<reposDir>/<appId>.git`. */
  reposDir: string;
  /** The raw Authorization header → the account, or undefined when it does not authenticate. */
  authenticate(authorization: string): Promise<{ accountId: string } | undefined>;
  /** 'not_found' for a missing app and a stranger alike (404); `refused` (403) names the missing permission. */
  resolveApp(name: string, accountId: string, access: GitAccess): Promise<{ appId: string; appName: string } | { refused: string } | 'not_found'>;
  /** Called during the push for main/master; `ok: false` rejects the push and leaves the refs. */
  onPush: OnPush;
  /** Pushes of branches other than main/master (review apps); absent: they are just stored. */
  onBranches?: OnBranches;
  /** The hooks' unix socket; default `<reposDir>/../run/git-hook.sock`. */
  hookSocketPath?: string;
  /** Node binary the hook runs with; default the one running Berth. */
  hookNodePath?: string;
  /** The hook program; default hook-main.js next to this file (in dist/). */
  hookProgramPath?: string;
  /** Default /usr/bin/git. */
  gitPath?: string;
  /** Extra environment for git processes (Berth's own environment is never passed on). */
  gitEnv?: Record<string, string>;
  /** Limits; defaults in DEFAULTS below. */
  limits?: Partial<GitLimits>;
  log?: (event: Record<string, unknown>) => void;
}

export interface GitLimits {
  advertiseTimeoutMs: number;
  uploadPackTimeoutMs: number;
  /** The whole push including the build (which has its own, shorter timeout). */
  receivePackTimeoutMs: number;
  maxPushBytes: number;
  maxFetchRequestBytes: number;
}

const DEFAULTS: GitLimits = {
  advertiseTimeoutMs: 60_000,
  uploadPackTimeoutMs: 30 * 60_000,
  receivePackTimeoutMs: 30 * 60_000,
  maxPushBytes: 1024 * 1024 * 1024,
  maxFetchRequestBytes: 64 * 1024 * 1024,
};

export interface GitService {
  /** True if this was a git URL (the service answers it); false: not ours, the caller continues. */
  handle(req: IncomingMessage, res: ServerResponse): boolean;
  /**
   * A git command that arrived over SSH for an account whose key authenticated (src/ssh): the
   * same access check, repositories and push pipeline as HTTPS. Resolves with the exit status.
   */
  serveSsh(request: SshGitRequest, streams: SshGitStreams): Promise<number>;
  /** Stop: hooks in flight fail their pushes clearly; git processes get a grace period, then die. */
  close(): Promise<void>;
  /** Commits `head` has and `base` lacks in the app's repository; undefined when it lacks either (see commit-log.ts). */
  commitsBetween(appId: string, base: string, head: string, max: number): Promise<{ total: number; commits: LoggedCommit[] } | undefined>;
}

const CHALLENGE = { 'WWW-Authenticate': 'Basic realm="Berth"' };
const CLOSE_GRACE_MS = 5_000;

export async function createGitService(options: GitServiceOptions): Promise<GitService> {
  const log = options.log ?? ((event) => process.stderr.write(`${JSON.stringify(event)}\n`));
  const limits = { ...DEFAULTS, ...options.limits };
  await mkdir(options.reposDir, { recursive: true, mode: 0o700 });
  // Real path: git reports the push quarantine under the real path, which must match ours.
  const reposDir = await realpath(options.reposDir);
  const git: GitEnvironment = {
    gitPath: options.gitPath ?? '/usr/bin/git',
    env: {
      PATH: '/usr/local/bin:/usr/bin:/bin',
      HOME: reposDir,
      LANG: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
      ...options.gitEnv,
    },
  };
  const hookProgram = options.hookProgramPath ?? fileURLToPath(new URL('./hook-main.js', import.meta.url));
  const repos = new Repositories(reposDir, git, hookScript(options.hookNodePath ?? process.execPath, hookProgram));
  const hooks = await HookServer.listen(
    options.hookSocketPath ?? join(dirname(resolve(options.reposDir)), 'run', 'git-hook.sock'),
    { git, onPush: options.onPush, ...(options.onBranches ? { onBranches: options.onBranches } : {}), log },
  );
  const running = new Set<Promise<void>>();
  const inFlight = new Set<ServerResponse>();
  let closing = false;

  async function serve(route: Exclude<GitRoute, { kind: 'error' }>, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const authorization = req.headers.authorization;
    if (!authorization) return sendText(res, 401, 'Authentication required: use any username and your Berth API key as the password.', CHALLENGE);
    const account = await options.authenticate(authorization);
    if (!account) return sendText(res, 401, 'Invalid credentials: the password must be a valid Berth API key (berth auth:token shows yours).', CHALLENGE);
    const push = route.service === 'git-receive-pack';
    const app = await options.resolveApp(route.app, account.accountId, push ? 'push' : 'pull');
    if (app === 'not_found') {
      return sendText(res, 404, `Couldn't find that app: ${route.app}. Check the git remote (git remote -v) and that your API key belongs to its owner or a collaborator.`);
    }
    if ('refused' in app) return sendText(res, 403, app.refused);
    if (closing) return sendText(res, 503, 'Berth is restarting; try again in a moment.', { 'Retry-After': '5' });
    const repoPath = await repos.ensure(app.appId, push && route.kind === 'rpc');
    const rpc: RpcOptions = {
      git,
      service: route.service,
      repoPath,
      timeoutMs: route.kind === 'advertise' ? limits.advertiseTimeoutMs : push ? limits.receivePackTimeoutMs : limits.uploadPackTimeoutMs,
      maxRequestBytes: push ? limits.maxPushBytes + 1024 * 1024 : limits.maxFetchRequestBytes,
      config: push ? [['receive.maxInputSize', String(limits.maxPushBytes)]] : [],
      log,
    };
    if (route.kind === 'advertise') return void await advertiseRefs(req, res, rpc);
    if (!push) return void await serveRpc(req, res, rpc);
    const endPush = await repos.beginPush(repoPath);
    const session = hooks.open({ appId: app.appId, appName: app.appName, accountId: account.accountId, repoPath });
    let abnormal = true;
    try {
      ({ abnormal } = await serveRpc(req, res, { ...rpc, env: session.env }));
    } finally {
      session.end();
      await endPush(abnormal);
    }
  }

  return {
    commitsBetween: (appId, base, head, max) => commitsBetween(git, repos.pathFor(appId), base, head, max),
    handle(req, res) {
      const route = matchGitRoute(req.method, req.url);
      if (!route) return false;
      if (route.kind === 'error') {
        sendText(res, route.status, route.message, route.allow ? { Allow: route.allow } : {});
        return true;
      }
      const task = serve(route, req, res).catch((err: unknown) => {
        log({ at: 'error', component: 'git', msg: 'git request failed', method: req.method, path: req.url?.split('?')[0], error: err instanceof Error ? err.stack : String(err) });
        sendText(res, 500, 'Berth failed to serve this git request (an internal error, logged on the server).');
      });
      running.add(task);
      inFlight.add(res);
      void task.finally(() => { running.delete(task); inFlight.delete(res); });
      return true;
    },
    serveSsh(request, streams) {
      const task = serveSshSession(
        {
          git,
          repos,
          hooks,
          resolveApp: options.resolveApp,
          timeoutMs: { push: limits.receivePackTimeoutMs, fetch: limits.uploadPackTimeoutMs },
          maxPushBytes: limits.maxPushBytes,
          closing: () => closing,
          log,
        },
        request,
        streams,
      ).catch((err: unknown) => {
        log({ at: 'error', component: 'git', msg: 'ssh git session failed', error: err instanceof Error ? err.stack : String(err) });
        streams.stderr.write(' !     Berth failed to serve this git command (an internal error, logged on the server).\n');
        return 1;
      });
      const settled = task.then(() => undefined);
      running.add(settled);
      void settled.finally(() => running.delete(settled));
      return task;
    },
    async close() {
      closing = true;
      await hooks.close();
      const grace = new Promise<void>((done) => setTimeout(done, CLOSE_GRACE_MS).unref());
      await Promise.race([Promise.all(running), grace]);
      if (running.size > 0) {
        // Still running after the grace period: git processes die with their responses.
        for (const res of inFlight) res.destroy();
        await Promise.all(running);
      }
    },
  };
}
