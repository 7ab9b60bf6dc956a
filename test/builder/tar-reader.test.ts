import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { readTarEntries, TarFormatError } from '../../src/builder/tar-reader.js';
import { header, tar } from './tar-craft.js';

async function list(file: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of readTarEntries(createReadStream(file).pipe(createGunzip()))) {
    names.push(Buffer.from(e.path, 'latin1').toString('utf8').replace(/\/$/, ''));
  }
  return names;
}

describe('readTarEntries', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-tar-'));
    const src = join(dir, 'src');
    const deep = join(src, 'a'.repeat(60), 'b'.repeat(60), 'c'.repeat(60));
    await mkdir(deep, { recursive: true });
    await writeFile(join(deep, 'd'.repeat(120) + '.txt'), 'long');
    await writeFile(join(src, 'naïve café.txt'), 'utf8 name');
    await writeFile(join(src, 'big.bin'), Buffer.alloc(70_000, 3));
    await symlink('a'.repeat(60) + '/' + 'b'.repeat(60) + '/' + 'c'.repeat(60) + '/' + 'x'.repeat(90), join(src, 'longlink'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  for (const format of ['gnu', 'pax', 'ustar', 'oldgnu']) {
    it(`lists the same entries as GNU tar for the ${format} format`, async (t) => {
      const file = join(dir, `${format}.tgz`);
      try {
        execFileSync('tar', ['--create', '--gzip', `--format=${format}`, '--file', file, '--directory', join(dir, 'src'), '.'], { stdio: 'pipe' });
      } catch (err) {
        // ustar can't hold names over 256 bytes nor long link targets: GNU tar refuses, so do we skip.
        if (format === 'ustar' || format === 'oldgnu') return t.skip(`GNU tar cannot write this tree as ${format}`);
        throw err;
      }
      const expected = execFileSync('tar', ['--list', '--gzip', '--file', file], { encoding: 'utf8' })
        .split('\n')
        .filter(Boolean)
        .map((n) => n.replace(/\/$/, ''));
      assert.deepEqual(await list(file), expected);
    });
  }

  it('reports link targets and sizes', async () => {
    const entries = [];
    for await (const e of readTarEntries([tar([{ name: 'f', content: 'abc' }, { name: 'l', type: 'symlink', linkname: 'f' }])])) entries.push(e);
    assert.deepEqual(
      entries.map((e) => [e.path, e.type, e.linkname, e.size]),
      [['f', 'file', '', 3], ['l', 'symlink', 'f', 0]],
    );
  });

  it('stops at the first zero block, as GNU tar does', async () => {
    const data = Buffer.concat([tar([{ name: 'a', content: 'x' }], { end: false }), Buffer.alloc(512), tar([{ name: 'hidden', content: 'y' }])]);
    const names = [];
    for await (const e of readTarEntries([data])) names.push(e.path);
    assert.deepEqual(names, ['a']);
  });

  it('refuses a header with a wrong checksum', async () => {
    const bad = Buffer.from(header({ name: 'a' }, 0));
    bad[0] = 0x62;
    await assert.rejects(async () => {
      for await (const _ of readTarEntries([bad])) void _;
    }, TarFormatError);
  });

  it('refuses an archive cut inside a file', async () => {
    const data = tar([{ name: 'a', content: Buffer.alloc(2000) }]).subarray(0, 1024);
    await assert.rejects(async () => {
      for await (const _ of readTarEntries([data])) void _;
    }, /truncated/);
  });

  it('reads archives delivered in tiny chunks', async () => {
    const data = tar([{ name: 'one', content: 'x'.repeat(700) }, { name: 'two', content: 'y' }]);
    const chunks = Array.from({ length: Math.ceil(data.length / 7) }, (_, i) => data.subarray(i * 7, i * 7 + 7));
    const names = [];
    for await (const e of readTarEntries(chunks)) names.push(e.path);
    assert.deepEqual(names, ['one', 'two']);
  });
});
