import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { AppDiskPaths } from '../../src/deploy/app-disk-paths.js';
import { RepoSizes } from '../../src/deploy/repo-sizes.js';
import { testEnv } from '../support/berth-process.js';

const run = promisify(execFile);
const APP_ID = '0f0f0f0f-0000-4000-8000-000000000001';

describe('RepoSizes (an app\'s repo_size)', () => {
  let dir: string;
  let work: string;
  let paths: AppDiskPaths;
  const git = (cwd: string, args: string[]) => run('git', args, { cwd, env: testEnv({ HOME: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.test', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.test' }), timeout: 30_000 });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-repo-sizes-'));
    paths = new AppDiskPaths(dir);
    work = join(dir, 'work');
    await mkdir(work);
    await mkdir(join(dir, 'repos'));
    await git(dir, ['init', '--quiet', '--bare', paths.repoDir(APP_ID)]);
    await git(work, ['init', '--quiet', '-b', 'main']);
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is null for an app without a repository, and grows with each push', async () => {
    const sizes = new RepoSizes(paths);
    assert.equal(await sizes.of('0f0f0f0f-0000-4000-8000-000000000002'), null);

    await writeFile(join(work, 'a.txt'), 'hello\n');
    await git(work, ['add', '.']);
    await git(work, ['commit', '--quiet', '-m', 'one']);
    await git(work, ['push', '--quiet', paths.repoDir(APP_ID), 'main']);
    const first = await sizes.of(APP_ID);
    assert.ok(first !== null && first > 0, `first push: ${first}`);
    assert.equal(await sizes.of(APP_ID), first);

    await writeFile(join(work, 'big.bin'), randomBytes(512 * 1024));
    await git(work, ['add', '.']);
    await git(work, ['commit', '--quiet', '-m', 'two']);
    await git(work, ['push', '--quiet', paths.repoDir(APP_ID), 'main']);
    const second = await sizes.of(APP_ID);
    assert.ok(second !== null && second >= first + 512 * 1024, `second push: ${second} after ${first}`);
  });
});
