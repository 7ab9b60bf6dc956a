/**
 * A bench app's git repo: the test fixture (test/fixtures/apps/<fixture>) with the bench variant
 * of its files laid over it (bench/deploy/fixtures/<fixture>: a server that answers with the
 * committed `release-marker.txt`), on branch main. Each commit changes only the marker.
 */
import { execFile } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../../test/support/repo-root.js';
import { gitEnv } from './timed-push.js';

const run = promisify(execFile);

export interface BenchRepo {
  dir: string;
  /** Writes the marker, commits, returns the commit. */
  commit(marker: string): Promise<string>;
  remove(): Promise<void>;
}

async function git(dir: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', ['-C', dir, ...args], { env: gitEnv(), timeout: 30_000 });
  return stdout.trim();
}

export async function benchRepo(fixture: string): Promise<BenchRepo> {
  const dir = await mkdtemp(join(tmpdir(), `berth-bench-${fixture}-`));
  await cp(join(repoRoot(), 'test', 'fixtures', 'apps', fixture), dir, { recursive: true });
  await cp(join(repoRoot(), 'bench', 'deploy', 'fixtures', fixture), dir, { recursive: true });
  await git(dir, ['init', '--quiet', '--initial-branch', 'main']);
  return {
    dir,
    async commit(marker) {
      await writeFile(join(dir, 'release-marker.txt'), `${marker}\n`);
      await git(dir, ['add', '--all']);
      await git(dir, ['commit', '--quiet', '-m', `bench ${marker}`]);
      return git(dir, ['rev-parse', 'HEAD']);
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
