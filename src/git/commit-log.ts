/**
 * Commits between two commits of an app's repository (`pipelines:diff`): what `head` has that
 * `base` lacks, newest first. Real git, argv arrays, a timeout; shas are checked before they
 * reach git, so no value is ever read as an option.
 */
import { access } from 'node:fs/promises';
import { runGit, type GitEnvironment } from './git-command.js';

export interface LoggedCommit {
  sha: string;
  author: string;
  /** ISO-8601, the author date. */
  date: string;
  /** The first line of the message. */
  message: string;
}

const SHA = /^[0-9a-f]{40}$/;
const SEP = '\x1f';

async function hasCommit(git: GitEnvironment, repo: string, sha: string): Promise<boolean> {
  return runGit(git, ['cat-file', '-e', `${sha}^{commit}`], { cwd: repo, timeoutMs: 10_000 }).then(() => true, () => false);
}

/**
 * `{ total, commits }` (at most `max` commits, newest first), or undefined when the repository
 * does not exist or lacks either commit.
 */
export async function commitsBetween(git: GitEnvironment, repo: string, base: string, head: string, max: number): Promise<{ total: number; commits: LoggedCommit[] } | undefined> {
  if (!SHA.test(base) || !SHA.test(head)) return undefined;
  if (!(await access(repo).then(() => true, () => false))) return undefined;
  if (!(await hasCommit(git, repo, base)) || !(await hasCommit(git, repo, head))) return undefined;
  const range = `${base}..${head}`;
  const total = Number((await runGit(git, ['rev-list', '--count', range], { cwd: repo, timeoutMs: 30_000 })).trim());
  const out = await runGit(git, ['log', `--max-count=${max}`, `--format=%H${SEP}%an${SEP}%aI${SEP}%s`, range], { cwd: repo, timeoutMs: 30_000 });
  const commits = out
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [sha = '', author = '', date = '', message = ''] = line.split(SEP);
      return { sha, author, date, message };
    });
  return { total, commits };
}
