import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { extractSource, unpackSlug } from '../../src/builder/extract-archive.js';
import { UnsafeArchiveError, unpackedLimit } from '../../src/builder/inspect-archive.js';
import { paxData, tgz, type CraftEntry } from './tar-craft.js';

describe('unpacking slugs and source tarballs', () => {
  let dir: string;
  let n = 0;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-archive-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const write = async (data: Buffer): Promise<string> => {
    const file = join(dir, `a${++n}.tgz`);
    await writeFile(file, data);
    return file;
  };
  const dest = () => join(dir, `out${++n}`);
  /** Rejected with a message matching `why`, and nothing left behind. */
  const rejects = async (entries: CraftEntry[] | Buffer, why: RegExp, unpack = unpackSlug) => {
    const file = await write(Buffer.isBuffer(entries) ? entries : tgz(entries));
    const target = dest();
    await assert.rejects(unpack(file, target), (err: unknown) => {
      assert.ok(err instanceof UnsafeArchiveError, `expected UnsafeArchiveError, got ${String(err)}`);
      assert.match(err.message, why);
      assert.equal(err.id, 'invalid_params');
      return true;
    });
    await assert.rejects(lstat(target), { code: 'ENOENT' });
    assert.deepEqual((await readdir(dir)).filter((f) => f.endsWith('.unpacking')), []);
  };

  it('unpacks a slug so that the destination is the app directory', async () => {
    const file = await write(
      tgz([
        { name: './app/', type: 'dir' },
        { name: './app/server.js', content: 'hi', mode: 0o4755 },
        { name: './app/bin/', type: 'dir' },
        { name: './app/bin/run', type: 'symlink', linkname: '../server.js' },
        { name: './app/bin/abs', type: 'symlink', linkname: '/app/server.js' },
        { name: './app/copy.js', type: 'hardlink', linkname: './app/server.js' },
        { name: './outside.txt', content: 'ignored' },
      ]),
    );
    const target = dest();
    const plan = await unpackSlug(file, target);
    assert.equal(plan.root, 'app');
    assert.deepEqual((await readdir(target)).sort(), ['bin', 'copy.js', 'server.js']);
    assert.equal(await readFile(join(target, 'copy.js'), 'utf8'), 'hi');
    assert.equal(await readlink(join(target, 'bin', 'run')), '../server.js');
    assert.equal((await lstat(join(target, 'server.js'))).mode & 0o7000, 0, 'setuid bits are not restored');
  });

  it('rejects an absolute path', () => rejects([{ name: '/etc/cron.d/x', content: 'x' }], /entry "\/etc\/cron.d\/x" has an absolute path/));
  it('rejects a path with ..', () => rejects([{ name: 'app/../../x', content: 'x' }], /contains "\.\."/));
  it('rejects ../x at the top', () => rejects([{ name: '../x', content: 'x' }], /contains "\.\."/));

  it('rejects a symlink to /etc followed by a file written through it', () =>
    rejects(
      [
        { name: 'app/', type: 'dir' },
        { name: 'app/etc', type: 'symlink', linkname: '/etc' },
        { name: 'app/etc/passwd', content: 'root::0:0::/:/bin/sh\n' },
      ],
      /symlink to "\/etc", which points outside \.\/app|below a symlink/,
    ));

  it('rejects a file written through a symlink even when the link stays inside', () =>
    rejects(
      [
        { name: 'app/sub/', type: 'dir' },
        { name: 'app/l', type: 'symlink', linkname: 'sub' },
        { name: 'app/l/x', content: 'x' },
      ],
      /entry "app\/l\/x" lies below a symlink/,
    ));

  it('rejects a relative symlink climbing out of the app', () =>
    rejects([{ name: 'app/up', type: 'symlink', linkname: '../../../etc' }], /symlink to "\.\.\/\.\.\/\.\.\/etc", which points outside \.\/app/));

  it('rejects a symlink that escapes through another symlink', () =>
    rejects(
      [
        { name: 'app/s/', type: 'dir' },
        { name: 'app/s/a', type: 'symlink', linkname: '..' },
        { name: 'app/s/b', type: 'symlink', linkname: 'a/..' },
      ],
      /entry "app\/s\/b" is a symlink to "a\/\.\.", which points outside/,
    ));

  it('rejects a symlink loop', () =>
    rejects(
      [
        { name: 'app/a', type: 'symlink', linkname: 'b' },
        { name: 'app/b', type: 'symlink', linkname: 'a' },
      ],
      /symlink loop/,
    ));

  it('rejects a hardlink to a file outside the archive', () =>
    rejects([{ name: 'app/shadow', type: 'hardlink', linkname: '/etc/shadow' }], /hardlink to "\/etc\/shadow", outside the archive/));

  it('rejects a hardlink that escapes through a symlink', () =>
    rejects(
      [
        { name: 'app/', type: 'dir' },
        { name: 'app/d', type: 'symlink', linkname: '.' },
        { name: 'app/h', type: 'hardlink', linkname: 'app/d/../../../etc/passwd' },
      ],
      /hardlink to .*outside the archive/,
    ));

  it('rejects a hardlink to something that is not an earlier file', () =>
    rejects([{ name: 'app/h', type: 'hardlink', linkname: 'app/later' }, { name: 'app/later', content: 'x' }], /not an earlier file/));

  it('rejects device files and FIFOs', async () => {
    await rejects([{ name: 'app/null', type: 'chardev' }], /is a character-device/);
    await rejects([{ name: 'app/pipe', type: 'fifo' }], /is a fifo/);
  });

  it('rejects a symlink that carries data', () =>
    rejects([{ name: 'app/l', type: 'symlink', linkname: 'x', size: 512, content: Buffer.alloc(512, 65) }], /carries data/));

  it('rejects a pax header renaming an entry to ../evil', () =>
    rejects(
      [
        { name: 'PaxHeader', type: 'pax', content: paxData({ path: 'app/../../evil' }) },
        { name: 'app/innocent', content: 'x' },
      ],
      /"app\/\.\.\/\.\.\/evil" contains "\.\."/,
    ));

  it('rejects a GNU long name that is absolute', () =>
    rejects([{ name: '././@LongLink', type: 'longname', content: '/tmp/' + 'x'.repeat(120) + '\0' }, { name: 'app/short', content: 'x' }], /absolute path/));

  it('rejects a slug without ./app', () => rejects([{ name: 'server.js', content: 'x' }], /has no \.\/app\/ directory/));
  it('rejects a slug whose app is a symlink', () => rejects([{ name: 'app', type: 'symlink', linkname: '/' }], /app" must be a directory/));
  it('rejects a file that is not gzip', () => rejects(Buffer.from('just text, not an archive'), /not a valid gzip file/));

  it('rejects a truncated upload', async () => {
    const whole = tgz([{ name: 'app/big', content: Buffer.alloc(200_000, 7) }]);
    await rejects(whole.subarray(0, Math.floor(whole.length / 2)), /not a valid gzip file|truncated/);
  });

  it('rejects garbage inside a valid gzip', () => rejects(gzipSync(Buffer.alloc(2048, 0x41)), /bad header checksum|malformed/));

  it('rejects an archive that unpacks beyond the size limit', async () => {
    const file = await write(tgz([{ name: 'app/a', content: Buffer.alloc(10_000) }]));
    await assert.rejects(unpackSlug(file, dest(), { maxUnpackedBytes: 5000 }), /unpacks to more than 5000 bytes/);
  });

  it('rejects a gzip bomb: a small upload that unpacks to far more than 25 times its size', async () => {
    const file = await write(tgz([{ name: 'app/zeros', content: Buffer.alloc(150 * 1024 * 1024) }]));
    await assert.rejects(unpackSlug(file, dest()), /unpacks to more than 134217728 bytes, 25 times its compressed size of \d+ bytes \(a gzip bomb\?\)/);
    await assert.rejects(extractSource(file, dest()), /gzip bomb/);
  });

  it('allows 25 times the compressed size above a 128 MiB floor, up to 4 GiB', () => {
    assert.equal(unpackedLimit(1024 * 1024, {}).bytes, 128 * 1024 * 1024);
    assert.equal(unpackedLimit(100 * 1024 * 1024, {}).bytes, 2500 * 1024 * 1024);
    assert.equal(unpackedLimit(500 * 1024 * 1024, {}).bytes, 4 * 1024 ** 3);
    assert.equal(unpackedLimit(10, { maxUnpackedBytes: 5000 }).bytes, 5000);
  });

  it('strips the single top directory of a source tarball (GitHub style)', async () => {
    const file = await write(tgz([{ name: 'repo-abc123/', type: 'dir' }, { name: 'repo-abc123/Procfile', content: 'web: x\n' }, { name: 'repo-abc123/lib/a.js', content: 'a' }]));
    const target = dest();
    await extractSource(file, target);
    assert.deepEqual((await readdir(target)).sort(), ['Procfile', 'lib']);
  });

  it('keeps a source tarball with several top-level entries as it is', async () => {
    const file = await write(tgz([{ name: './Procfile', content: 'web: x\n' }, { name: './lib/a.js', content: 'a' }]));
    const target = dest();
    await extractSource(file, target);
    assert.deepEqual((await readdir(target)).sort(), ['Procfile', 'lib']);
  });

  it('rejects a source symlink that escapes once the top directory is stripped', () =>
    rejects(
      [{ name: 'top/', type: 'dir' }, { name: 'top/a', type: 'symlink', linkname: '../top/b' }, { name: 'top/b', content: 'x' }],
      /points outside \.\/top/,
      extractSource,
    ));

  it('rejects an absolute symlink in a source tarball', () =>
    rejects([{ name: 'a', type: 'symlink', linkname: '/app/x' }, { name: 'b', content: 'x' }], /points outside the archive/, extractSource));
});

