/**
 * What onPush receives: who pushed what to which app, plus access to the pushed commits. During
 * the pre-receive hook the new objects sit in git's quarantine directory, invisible to a plain
 * `git --git-dir repoPath`; `gitEnv` and `archive()` see them.
 */
import { isAbsolute, relative } from 'node:path';
import { runGit, type GitEnvironment } from './git-command.js';
import type { RefUpdate } from './hook-protocol.js';

export type { RefUpdate } from './hook-protocol.js';

export interface GitPush {
  appId: string;
  appName: string;
  /** The account whose API key authenticated the push. */
  accountId: string;
  repoPath: string;
  /** Every ref this push updates, in git's order (deploy and non-deploy). */
  refs: RefUpdate[];
  /** The main or master update that triggered this deploy. */
  deploy: RefUpdate;
  /** Environment for git commands that must see the pushed (still quarantined) objects. */
  gitEnv: Record<string, string>;
  /** Write the tree of `commit` (default: deploy.newSha) as a tar (`.tar`) or tar.gz (`.tar.gz`/`.tgz`) file. */
  archive(outputPath: string, commit?: string): Promise<void>;
}

/** The channel back to the pusher. */
export interface PushIo {
  /** Show a line to the pusher as `remote: <line>`, right away. */
  write(line: string): void;
  /** Aborted when the push is abandoned: client gone, hook connection lost, timeout, shutdown. */
  signal: AbortSignal;
}

export type OnPush = (push: GitPush, io: PushIo) => Promise<{ ok: boolean }>;

/** A push of branches other than main/master (stored, not deployed): what review apps are made of. */
export interface BranchPush {
  appId: string;
  appName: string;
  accountId: string;
  /** Created or updated branches with their new commit; deleted ones with `deleted`. */
  branches: Array<{ branch: string; newSha: string; deleted: boolean }>;
  /** Write the tree of `commit` (one of the pushed ones) as a tar.gz file. */
  archive(outputPath: string, commit: string): Promise<void>;
}

/** Called during a push of non-deploy branches only; its lines reach the pusher, and the push is accepted whatever it does. */
export type OnBranches = (push: BranchPush, io: PushIo) => Promise<void>;

const ARCHIVE_TIMEOUT_MS = 5 * 60_000;

const inside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/**
 * The quarantine environment reported by the hook, kept only if it points inside the repository
 * (the hook is ours, but the service trusts paths only it can vouch for).
 */
export function quarantineEnv(repoPath: string, objectDirectory?: string, alternates?: string): Record<string, string> {
  const env: Record<string, string> = { GIT_DIR: repoPath };
  if (objectDirectory && isAbsolute(objectDirectory) && inside(repoPath, objectDirectory)) {
    env.GIT_OBJECT_DIRECTORY = objectDirectory;
    const alts = (alternates ?? '').split(':').filter((a) => isAbsolute(a) && inside(repoPath, a));
    if (alts.length > 0) env.GIT_ALTERNATE_OBJECT_DIRECTORIES = alts.join(':');
  }
  return env;
}

/** The commit archive of a push, seeing its quarantined objects. */
function archiver(repoPath: string, gitEnv: Record<string, string>, git: GitEnvironment) {
  return async (outputPath: string, commit: string): Promise<void> => {
    if (!/^[0-9a-f]{40,64}$/.test(commit)) throw new Error(`not a commit id: ${JSON.stringify(commit)}`);
    const format = /\.(tar\.gz|tgz)$/.test(outputPath) ? 'tar.gz' : 'tar';
    await runGit(git, ['archive', `--format=${format}`, `--output=${outputPath}`, commit], { cwd: repoPath, env: gitEnv, timeoutMs: ARCHIVE_TIMEOUT_MS });
  };
}

export function createBranchPush(fields: Omit<BranchPush, 'archive'> & { repoPath: string; gitEnv: Record<string, string> }, git: GitEnvironment): BranchPush {
  const { repoPath, gitEnv, ...rest } = fields;
  return { ...rest, archive: archiver(repoPath, gitEnv, git) };
}

export function createGitPush(
  fields: Omit<GitPush, 'archive'>,
  git: GitEnvironment,
): GitPush {
  const archive = archiver(fields.repoPath, fields.gitEnv, git);
  return { ...fields, archive: (outputPath, commit = fields.deploy.newSha) => archive(outputPath, commit) };
}
