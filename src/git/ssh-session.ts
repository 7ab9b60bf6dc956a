/**
 * One git command arriving over SSH (from Berth's sshd, through the gate in src/ssh), served like
 * an HTTPS request: the same resolveApp decides access (a stranger's app and a missing one get the
 * same "Couldn't find that app"), the same repositories, the same pre-receive hook session (so the
 * build streams back as `remote:` lines over git's side band, i.e. the SSH channel) and limits.
 * The difference is the transport: `git receive-pack REPO` / `git upload-pack REPO` run as full
 * bidirectional sessions over the caller's streams instead of `--stateless-rpc` requests.
 */
import type { Readable, Writable } from 'node:stream';
import { spawnGit, type GitEnvironment } from './git-command.js';
import type { GitAccess } from './git-service.js';
import type { HookServer } from './hook-server.js';
import type { Repositories } from './repositories.js';
import { parseSshGitCommand } from './ssh-command.js';

export interface SshGitRequest {
  /** The account whose SSH key authenticated. */
  accountId: string;
  /** SSH_ORIGINAL_COMMAND as the client sent it (undefined: a shell was asked for). */
  command: string | undefined;
  /** The client's GIT_PROTOCOL (e.g. `version=2`), when it sent one. */
  protocol?: string;
}

export interface SshGitStreams {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

export interface SshSessionDeps {
  git: GitEnvironment;
  repos: Repositories;
  hooks: HookServer;
  resolveApp(name: string, accountId: string, access: GitAccess): Promise<{ appId: string; appName: string } | { refused: string } | 'not_found'>;
  timeoutMs: { push: number; fetch: number };
  maxPushBytes: number;
  closing(): boolean;
  log(event: Record<string, unknown>): void;
}

const say = (io: SshGitStreams, text: string): number => {
  io.stderr.write(` !     ${text}\n`);
  return 1;
};

/** Serves the command; resolves with the exit status the SSH client gets. */
export async function serveSshSession(deps: SshSessionDeps, request: SshGitRequest, io: SshGitStreams): Promise<number> {
  const parsed = parseSshGitCommand(request.command);
  if (parsed.kind === 'refused') return say(io, parsed.message);
  const push = parsed.service === 'git-receive-pack';
  const app = await deps.resolveApp(parsed.app, request.accountId, push ? 'push' : 'pull');
  if (app === 'not_found') {
    return say(io, `Couldn't find that app: ${parsed.app}. Check the git remote (git remote -v) and that your SSH key belongs to its owner or a collaborator.`);
  }
  // A collaborator without the permission: the access policy's own message, as HTTPS answers 403.
  if ('refused' in app) return say(io, app.refused);
  if (deps.closing()) return say(io, 'Berth is restarting; try again in a moment.');
  const repoPath = await deps.repos.ensure(app.appId, push);
  const protocol: Record<string, string> = request.protocol !== undefined && /^[A-Za-z0-9=:.,_-]{1,256}$/.test(request.protocol) ? { GIT_PROTOCOL: request.protocol } : {};
  const endPush = push ? await deps.repos.beginPush(repoPath) : undefined;
  const session = push ? deps.hooks.open({ appId: app.appId, appName: app.appName, accountId: request.accountId, repoPath }) : undefined;
  const config = push ? ['-c', `receive.maxInputSize=${deps.maxPushBytes}`] : [];
  const proc = spawnGit(deps.git, [...config, parsed.service.slice(4), repoPath], {
    cwd: repoPath,
    env: { ...session?.env, ...protocol },
    timeoutMs: push ? deps.timeoutMs.push : deps.timeoutMs.fetch,
  });
  let abnormal = true;
  try {
    const stdin = proc.child.stdin!;
    io.stdin.pipe(stdin);
    io.stdin.once('error', () => proc.kill('the SSH connection failed'));
    io.stdin.once('close', () => { if (!io.stdin.readableEnded) proc.kill('the SSH client disconnected'); });
    proc.child.stdout!.pipe(io.stdout, { end: false });
    proc.child.stderr!.on('data', (chunk: string) => io.stderr.write(chunk));
    const exit = await proc.exited;
    abnormal = exit.killedBecause !== undefined || exit.code !== 0;
    if (abnormal) {
      deps.log({ at: exit.killedBecause === 'the SSH client disconnected' ? 'info' : 'warn', component: 'git', msg: `ssh ${parsed.service} ${exit.killedBecause ? `stopped: ${exit.killedBecause}` : `exited with ${exit.code ?? exit.signal}`}`, repo: repoPath });
    }
    if (exit.killedBecause !== undefined && !/disconnected/.test(exit.killedBecause)) say(io, `Berth stopped this git ${push ? 'push' : 'fetch'}: ${exit.killedBecause}.`);
    return exit.code ?? 1;
  } finally {
    io.stdin.unpipe(proc.child.stdin!);
    session?.end();
    await endPush?.(abnormal);
  }
}
