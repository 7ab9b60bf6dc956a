/**
 * A push to main or master: wait for the app's previous push to finish, make sure the branch
 * has not moved meanwhile, call onPush with a line channel back to the pusher, and point the
 * repository's HEAD at the deployed branch so `git clone` checks it out.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runGit, type GitEnvironment } from './git-command.js';
import { createGitPush, quarantineEnv, type OnPush } from './git-push.js';
import type { HookChannel } from './hook-channel.js';
import { isZeroSha, type HookHello, type RefUpdate } from './hook-protocol.js';
import type { KeyedMutex } from './keyed-mutex.js';

export interface DeployPushInput {
  session: { appId: string; appName: string; accountId: string; repoPath: string; controller: AbortController };
  hello: HookHello;
  deploy: RefUpdate;
  channel: HookChannel;
  mutex: KeyedMutex;
  holdLock: (release: () => void) => void;
  git: GitEnvironment;
  onPush: OnPush;
  log: (event: Record<string, unknown>) => void;
}

const short = (sha: string): string => sha.slice(0, 7);

async function currentSha(git: GitEnvironment, repoPath: string, ref: string): Promise<string | undefined> {
  const out = await runGit(git, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repoPath })
    .catch(() => '');
  return out.trim() || undefined;
}

async function pointHeadAt(git: GitEnvironment, repoPath: string, ref: string): Promise<void> {
  const head = await readFile(join(repoPath, 'HEAD'), 'utf8').catch(() => '');
  if (head.trim() !== `ref: ${ref}`) await runGit(git, ['symbolic-ref', 'HEAD', ref], { cwd: repoPath });
}

/** Runs the deploy; resolves with the hook's verdict (true: let git update the refs). */
export async function runDeployPush(input: DeployPushInput): Promise<boolean> {
  const { session, deploy, channel, git, log } = input;
  const signal = session.controller.signal;
  const branch = deploy.ref.replace(/^refs\/heads\//, '');

  if (input.mutex.isHeld(session.appId)) {
    channel.write(`-----> Waiting for the previous push to ${session.appName} to finish...`);
    log({ at: 'info', component: 'git', event: 'push_waiting', app: session.appName });
  }
  let release: () => void;
  try {
    release = await input.mutex.acquire(session.appId, signal);
  } catch {
    return false; // abandoned while waiting
  }
  input.holdLock(release);

  const now = await currentSha(git, session.repoPath, deploy.ref);
  const expected = isZeroSha(deploy.oldSha) ? undefined : deploy.oldSha;
  if (now !== expected) {
    channel.write(` !     ${branch} was updated by another push (it is now at ${now ? short(now) : 'nothing'}) while this push waited.`);
    channel.write(` !     Nothing was deployed. Fetch, merge or rebase, and push again.`);
    release();
    return false;
  }

  const push = createGitPush({
    appId: session.appId,
    appName: session.appName,
    accountId: session.accountId,
    repoPath: session.repoPath,
    refs: input.hello.refs,
    deploy,
    gitEnv: quarantineEnv(session.repoPath, input.hello.objectDirectory, input.hello.alternateObjectDirectories),
  }, git);

  let ok = false;
  try {
    ({ ok } = await input.onPush(push, { write: (line) => channel.write(line), signal }));
  } catch (err) {
    log({ at: 'error', component: 'git', msg: 'onPush failed', app: session.appName, error: err instanceof Error ? err.stack : String(err) });
    channel.write(' !     Berth failed while deploying this push (an internal error, logged on the server). Nothing was deployed.');
  }
  if (ok && signal.aborted) ok = false; // nobody left to update the ref for
  if (ok) {
    await pointHeadAt(git, session.repoPath, deploy.ref).catch((err: unknown) => {
      log({ at: 'warn', component: 'git', msg: 'could not point HEAD at the deployed branch', app: session.appName, error: String(err) });
    });
  } else {
    release();
  }
  return ok;
}
