// The stack image digests on real trees: content changes change the content digest, except in
// files named as regenerated (caches an install writes with the time in them), whose presence,
// type and mode still count.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contentDigest } from '../../src/stacks/tree-digest.js';
import { regeneratedFile } from '../../src/stacks/stack-cache.js';

describe('the content digest of a stack image', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-tree-digest-'));
    await mkdir(join(root, 'etc/ssl/certs/java'), { recursive: true });
    await mkdir(join(root, 'var/cache/fontconfig'), { recursive: true });
    await writeFile(join(root, 'etc/os-release'), 'ID=debian\n');
    await writeFile(join(root, 'etc/ssl/certs/java/cacerts'), 'keystore built at 10:00');
    await writeFile(join(root, 'var/cache/fontconfig/abc-le64.cache-9'), 'cache at 10:00');
  });
  after(() => rm(root, { recursive: true, force: true }));

  const digest = () => contentDigest(root, undefined, regeneratedFile);

  it('is the same when only a regenerated file\'s content differs (another build of the same packages)', async () => {
    const first = await digest();
    await writeFile(join(root, 'etc/ssl/certs/java/cacerts'), 'keystore built at 10:01, longer');
    await writeFile(join(root, 'var/cache/fontconfig/abc-le64.cache-9'), 'cache at 10:01');
    assert.equal(await digest(), first);
    assert.notEqual(await contentDigest(root), first, 'without the predicate every byte counts');
  });

  it('changes when any other file\'s content changes, or a regenerated file goes or changes mode', async () => {
    const first = await digest();
    await writeFile(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID=13\n');
    const second = await digest();
    assert.notEqual(second, first);
    await chmod(join(root, 'etc/ssl/certs/java/cacerts'), 0o600);
    const third = await digest();
    assert.notEqual(third, second);
    await rm(join(root, 'var/cache/fontconfig/abc-le64.cache-9'));
    assert.notEqual(await digest(), third);
  });
});
