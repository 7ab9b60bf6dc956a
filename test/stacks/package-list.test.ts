// The stack package lists: the repo's own parse, and a typo is refused with its line.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parsePackageList } from '../../src/stacks/package-list.js';
import { repoRoot } from '../support/repo-root.js';

describe('a stack package list', () => {
  it('the repo\'s berth-24 lists parse: the run image has the runtimes, the build image compilers, headers, git and make', async () => {
    const list = async (file: string) => parsePackageList(await readFile(join(repoRoot(), 'stacks', 'berth-24', file), 'utf8'), file);
    const run = await list('run.packages');
    const build = await list('build.packages');
    for (const pkg of ['bash', 'curl', 'ca-certificates', 'tzdata', 'locales', 'postgresql-client', 'imagemagick', 'python3', 'ruby', 'php-cli', 'openjdk-21-jre-headless']) assert.ok(run.includes(pkg), pkg);
    for (const pkg of ['build-essential', 'git', 'make', 'libpq-dev', 'python3-dev']) assert.ok(build.includes(pkg), pkg);
    assert.deepEqual(build.filter((p) => run.includes(p)), [], 'build.packages adds to run.packages, never repeats it');
  });

  it('takes names and name=version pins, skipping comments and blank lines', () => {
    assert.deepEqual(parsePackageList('# base\nbash\n\ncurl=8.14.1-2  # pinned\n', 'x'), ['bash', 'curl=8.14.1-2']);
  });

  it('refuses a line that is not a package, a package listed twice and an empty list, naming the line', () => {
    assert.throws(() => parsePackageList('bash\ncurl wget\n', 'run.packages'), /run\.packages:2: "curl wget" is not a Debian package name/);
    assert.throws(() => parsePackageList('bash\nbash\n', 'run.packages'), /run\.packages:2: bash is listed twice/);
    assert.throws(() => parsePackageList('# nothing\n', 'run.packages'), /run\.packages lists no packages/);
  });
});
