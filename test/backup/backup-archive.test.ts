// The backup archive format: what admin:backup writes and every way admin:restore refuses one.
// Real SQLite, real tar, a real local CA; no Berth process.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BackupError } from '../../src/backup/backup-error.js';
import { BACKUP_FORMAT_VERSION, parseManifest } from '../../src/backup/backup-manifest.js';
import { restoreBackup } from '../../src/backup/restore-backup.js';
import { writeBackup } from '../../src/backup/write-backup.js';
import { runBackupCommand } from '../../src/main/admin-backup.js';
import { ensureLocalCa } from '../../src/pki/certificate-authority.js';
import { sql } from '../support/pg-query.js';
import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';

const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

async function tempRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'berth-backup-test-'));
  roots.push(root);
  return root;
}

/** A data dir as Berth leaves it: SQLite state (WAL), blobs, CA, admin key, a git repository. */
async function dataDir(root: string): Promise<string> {
  const dir = join(root, 'data');
  await mkdir(join(dir, 'blobs', 'slugs'), { recursive: true });
  const db = new Database(join(dir, 'state.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec("CREATE TABLE apps (name TEXT); INSERT INTO apps VALUES ('alpha'), ('beta');");
  db.close();
  await writeFile(join(dir, 'blobs', 'slugs', 'one.tgz'), 'slug bytes');
  await mkdir(join(dir, 'blobs', '.tmp'), { recursive: true });
  await writeFile(join(dir, 'blobs', '.tmp', 'upload.part'), 'in flight');
  await writeFile(join(dir, 'admin.key'), 'berth-admin-key\n', { mode: 0o600 });
  await ensureLocalCa(join(dir, 'tls'), { domain: 'berth.test' });
  execFileSync('git', ['init', '--quiet', '--bare', join(dir, 'repos', 'alpha.git')]);
  await mkdir(join(dir, 'ssh'), { recursive: true });
  await writeFile(join(dir, 'ssh', 'ssh_host_ed25519_key'), 'host key', { mode: 0o600 });
  await writeFile(join(dir, 'ssh', 'sshd.pid'), '123');
  await mkdir(join(dir, 'dynos'), { recursive: true });
  await writeFile(join(dir, 'dynos', 'scratch'), 'not backed up');
  return dir;
}

const VERSION = { berthVersion: '0.1.0', berthCommit: 'abc123' };

async function backedUp(): Promise<{ root: string; data: string; file: string }> {
  const root = await tempRoot();
  const data = await dataDir(root);
  const file = join(root, 'berth.tar.gz');
  await writeBackup({ dataDir: data, file, ...VERSION });
  return { root, data, file };
}

/** Unpacks an archive, lets `edit` change it, packs it again. */
async function tamper(root: string, file: string, edit: (dir: string) => Promise<void>): Promise<string> {
  const dir = await mkdtemp(join(root, 'tamper-'));
  execFileSync('tar', ['-xzf', file, '-C', dir]);
  await edit(dir);
  const out = join(root, `tampered-${roots.length}-${Date.now()}.tar.gz`);
  execFileSync('tar', ['-czf', out, '-C', dir, ...(await readdir(dir))]);
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<BackupError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof BackupError, `expected a BackupError, got ${String(err)}`);
  return err;
}

describe('backup archive', () => {
  it('carries the state, blobs, CA, admin key and repositories, with a manifest of sha256 sums', async () => {
    const { data, file } = await backedUp();
    const listing = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
    assert.equal(listing[0], 'manifest.json');
    const manifest = parseManifest(execFileSync('tar', ['-xzOf', file, 'manifest.json'], { encoding: 'utf8' }));
    assert.equal(manifest.format_version, BACKUP_FORMAT_VERSION);
    assert.equal(manifest.state, 'sqlite');
    assert.equal(manifest.berth_commit, 'abc123');
    const paths = manifest.members.map((m) => m.path);
    for (const expected of ['state.sqlite', 'admin.key', 'tls/ca.crt', 'tls/ca.key', 'blobs/slugs/one.tgz', 'repos/alpha.git/HEAD', 'ssh/ssh_host_ed25519_key']) assert.ok(paths.includes(expected), `${expected} in ${paths.join(' ')}`);
    assert.ok(!paths.some((p) => p.startsWith('dynos/') || p.startsWith('blobs/.tmp') || p === 'ssh/sshd.pid'), 'dynos, uploads in flight and sshd\'s pid stay out');
    const slug = manifest.members.find((m) => m.path === 'blobs/slugs/one.tgz')!;
    assert.equal(slug.sha256, execFileSync('sha256sum', [join(data, 'blobs', 'slugs', 'one.tgz')], { encoding: 'utf8' }).split(' ')[0]);
    const ca = execFileSync('openssl', ['x509', '-in', join(data, 'tls', 'ca.crt'), '-noout', '-fingerprint', '-sha256'], { encoding: 'utf8' });
    assert.equal(manifest.ca_fingerprint, ca.trim().split('=')[1]);
    assert.equal((await stat(file)).mode & 0o777, 0o600);
  });

  it('restores into a new data dir with the same rows, files and modes', async () => {
    const { root, file } = await backedUp();
    const target = join(root, 'restored');
    await restoreBackup({ file, dataDir: target });
    const db = new Database(join(target, 'state.sqlite'), { readonly: true });
    assert.deepEqual(db.prepare('SELECT name FROM apps ORDER BY name').all(), [{ name: 'alpha' }, { name: 'beta' }]);
    db.close();
    assert.equal(await readFile(join(target, 'blobs', 'slugs', 'one.tgz'), 'utf8'), 'slug bytes');
    assert.equal((await stat(join(target, 'admin.key'))).mode & 0o777, 0o600);
    assert.equal((await stat(target)).mode & 0o777, 0o700);
    assert.ok(!(await readdir(target)).includes('manifest.json'));
    execFileSync('git', ['--git-dir', join(target, 'repos', 'alpha.git'), 'rev-parse', '--git-dir']);
    assert.deepEqual((await readdir(root)).filter((n) => n.includes('.restore-')), [], 'no staging dir is left');
  });

  it('refuses a truncated archive and creates nothing', async () => {
    const { root, file } = await backedUp();
    await truncate(file, Math.floor((await stat(file)).size / 2));
    const target = join(root, 'restored');
    const err = await refusal(restoreBackup({ file, dataDir: target }));
    assert.equal(err.reason, 'truncated');
    assert.match(err.message, /truncated or damaged/);
    assert.equal(await stat(target).catch(() => undefined), undefined);
    assert.deepEqual((await readdir(root)).filter((n) => n.includes('.restore-')), []);
  });

  it('refuses an archive from a newer format version, naming both versions', async () => {
    const { root, file } = await backedUp();
    const newer = await tamper(root, file, async (dir) => {
      const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
      await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, format_version: BACKUP_FORMAT_VERSION + 1, berth_version: '9.0.0' }));
    });
    const target = join(root, 'restored');
    const err = await refusal(restoreBackup({ file: newer, dataDir: target }));
    assert.equal(err.reason, 'newer_format');
    assert.match(err.message, new RegExp(`format version ${BACKUP_FORMAT_VERSION + 1}, written by Berth 9\\.0\\.0`));
    assert.equal(await stat(target).catch(() => undefined), undefined);
  });

  it('refuses an archive whose member does not match its checksum, naming the member', async () => {
    const { root, file } = await backedUp();
    const changed = await tamper(root, file, async (dir) => writeFile(join(dir, 'blobs', 'slugs', 'one.tgz'), 'slug bytez'));
    const target = join(root, 'restored');
    const err = await refusal(restoreBackup({ file: changed, dataDir: target }));
    assert.equal(err.reason, 'checksum_mismatch');
    assert.match(err.message, /blobs\/slugs\/one\.tgz/);
    assert.equal(await stat(target).catch(() => undefined), undefined);
  });

  it('refuses a member the manifest does not list and a listed member that is missing', async () => {
    const { root, file } = await backedUp();
    const extra = await tamper(root, file, async (dir) => writeFile(join(dir, 'blobs', 'slugs', 'sneaky.tgz'), 'x'));
    assert.equal((await refusal(restoreBackup({ file: extra, dataDir: join(root, 'a') }))).reason, 'unexpected_member');
    const missing = await tamper(root, file, async (dir) => rm(join(dir, 'admin.key')));
    assert.equal((await refusal(restoreBackup({ file: missing, dataDir: join(root, 'b') }))).reason, 'missing_member');
  });

  it('refuses a non-empty data dir without --force and leaves it as it was; --force replaces it', async () => {
    const { root, file } = await backedUp();
    const target = join(root, 'busy');
    await mkdir(target);
    await writeFile(join(target, 'state.sqlite'), 'somebody else');
    const err = await refusal(restoreBackup({ file, dataDir: target }));
    assert.equal(err.reason, 'data_dir_not_empty');
    assert.match(err.message, /--force/);
    assert.equal(await readFile(join(target, 'state.sqlite'), 'utf8'), 'somebody else');
    await restoreBackup({ file, dataDir: target, force: true });
    const db = new Database(join(target, 'state.sqlite'), { readonly: true });
    assert.equal(db.prepare('SELECT count(*) AS n FROM apps').get() instanceof Object, true);
    assert.deepEqual(db.prepare('SELECT count(*) AS n FROM apps').get(), { n: 2 });
    db.close();
  });

  it('refuses --force onto an install with another machine\'s CA and leaves it as it was; --replace-ca takes the archive\'s', async () => {
    const { data, file } = await backedUp();
    const other = await dataDir(await tempRoot());
    const theirs = await readFile(join(other, 'tls', 'ca.crt'), 'utf8');
    const err = await refusal(restoreBackup({ file, dataDir: other, force: true }));
    assert.equal(err.reason, 'other_ca');
    assert.match(err.message, /comes from another machine.*--replace-ca/);
    assert.equal(await readFile(join(other, 'tls', 'ca.crt'), 'utf8'), theirs, 'the install keeps its CA');
    await restoreBackup({ file, dataDir: other, force: true, replaceCa: true });
    assert.equal(await readFile(join(other, 'tls', 'ca.crt'), 'utf8'), await readFile(join(data, 'tls', 'ca.crt'), 'utf8'));
    // An install restored from its own CA's archive needs no --replace-ca.
    await restoreBackup({ file, dataDir: other, force: true });
  });

  it('refuses, even with --force, a data dir that a running Berth holds', async () => {
    const { root, file } = await backedUp();
    const target = join(root, 'running');
    await mkdir(target);
    await writeFile(join(target, 'berth.pid'), `${process.pid}\n`);
    const err = await refusal(restoreBackup({ file, dataDir: target, force: true }));
    assert.equal(err.reason, 'berth_running');
    assert.deepEqual(await readdir(target), ['berth.pid']);
  });

  it('admin:backup DIR --keep N writes dated archives and keeps the newest N', async () => {
    const root = await tempRoot();
    const data = await dataDir(root);
    const dir = join(root, 'backups');
    await mkdir(dir);
    const lines: string[] = [];
    for (let i = 0; i < 3; i++) assert.equal(await runBackupCommand('admin:backup', [dir, '--keep', '2', '--data-dir', data], {}, (t) => lines.push(t)), 0);
    const left = (await readdir(dir)).sort();
    assert.equal(left.length, 2, left.join(' '));
    assert.ok(left.every((n) => /^berth-backup-\d{8}T\d{9}Z\.tar\.gz$/.test(n)), left.join(' '));
    assert.ok(lines.some((l) => l.startsWith('Deleted the older backup berth-backup-')), lines.join('\n'));
  });
});

describe('admin:backup refusals', () => {
  it('refuses a data dir without state and leaves neither an archive nor a staging dir', async () => {
    const root = await tempRoot();
    const data = join(root, 'data');
    await mkdir(join(data, 'blobs'), { recursive: true });
    const file = join(root, 'out.tar.gz');
    const err = await refusal(writeBackup({ dataDir: data, file, ...VERSION }));
    assert.equal(err.reason, 'bad_arguments');
    assert.match(err.message, /no state\.sqlite/);
    assert.deepEqual((await readdir(root)).sort(), ['data']);
    assert.deepEqual(await readdir(data), ['blobs']);
  });

  it('refuses a directory without --keep, and --keep without a directory', async () => {
    const root = await tempRoot();
    const data = await dataDir(root);
    const noKeep = await refusal(runBackupCommand('admin:backup', [root, '--data-dir', data], {}, () => undefined));
    assert.match(noKeep.message, /is a directory: give a FILE, or --keep N/);
    const noDir = await refusal(runBackupCommand('admin:backup', [join(root, 'x.tar.gz'), '--keep', '3', '--data-dir', data], {}, () => undefined));
    assert.match(noDir.message, /--keep needs a directory/);
    const badKeep = await refusal(runBackupCommand('admin:backup', [root, '--keep', '0', '--data-dir', data], {}, () => undefined));
    assert.match(badKeep.message, /whole number of backups of 1 or more/);
    assert.ok(!(await readdir(root)).some((n) => n.endsWith('.tar.gz') || n.endsWith('.partial')));
  });
});

describe('backup archive with the state in PostgreSQL', () => {
  let server: ThrowawayPostgres;
  after(async () => server?.stop());

  it('carries a pg_dump of the state and restores it into the database --database-url names', async () => {
    server = await startThrowawayPostgres();
    const source = await server.createDatabase('berth_source');
    await sql(source, "CREATE TABLE apps (name text); INSERT INTO apps VALUES ('alpha'), ('beta')");
    const root = await tempRoot();
    const data = await dataDir(root);
    await rm(join(data, 'state.sqlite'));
    const file = join(root, 'berth.tar.gz');
    const { manifest } = await writeBackup({ dataDir: data, file, databaseUrl: source, ...VERSION });
    assert.equal(manifest.state, 'postgres');
    assert.ok(manifest.members.some((m) => m.path === 'state.pgdump'));
    const withoutUrl = await refusal(restoreBackup({ file, dataDir: join(root, 'nourl') }));
    assert.equal(withoutUrl.reason, 'bad_arguments');
    assert.match(withoutUrl.message, /--database-url/);
    const target = await server.createDatabase('berth_restored');
    await restoreBackup({ file, dataDir: join(root, 'restored'), databaseUrl: target });
    assert.deepEqual(await sql(target, 'SELECT name FROM apps ORDER BY name'), [{ name: 'alpha' }, { name: 'beta' }]);
    const files = await readdir(join(root, 'restored'));
    assert.ok(!files.includes('state.pgdump') && files.includes('admin.key'), files.join(' '));
  });
});

describe('backup manifest', () => {
  const good = { format: 'berth-backup', format_version: 1, dirs: ['blobs'], berth_version: '0.1.0', berth_commit: 'x', created_at: '2026-01-01T00:00:00Z', state: 'sqlite', ca_fingerprint: null, members: [{ path: 'state.sqlite', bytes: 1, sha256: 'a'.repeat(64), mode: 0o600 }] };
  const cases: Array<[string, unknown, RegExp]> = [
    ['is not JSON', '{', /not JSON/],
    ['is from another program', { ...good, format: 'tarball' }, /not a Berth backup/],
    ['has a path climbing out of the data dir', { ...good, members: [...good.members, { path: '../etc/passwd', bytes: 1, sha256: 'a'.repeat(64), mode: 0o600 }] }, /unsafe/],
    ['has an absolute path', { ...good, members: [...good.members, { path: '/etc/passwd', bytes: 1, sha256: 'a'.repeat(64), mode: 0o600 }] }, /unsafe/],
    ['lists a member twice', { ...good, members: [good.members[0], good.members[0]] }, /twice/],
    ['has a bad sha256', { ...good, members: [{ ...good.members[0], sha256: 'xyz' }] }, /sha256/],
    ['lacks its state', { ...good, members: [] }, /state\.sqlite/],
  ];
  for (const [what, value, message] of cases) {
    it(`refuses a manifest that ${what}`, () => {
      assert.throws(() => parseManifest(typeof value === 'string' ? value : JSON.stringify(value)), (err: unknown) => err instanceof BackupError && message.test(err.message));
    });
  }
  it('accepts a well-formed manifest', () => {
    assert.equal(parseManifest(JSON.stringify(good)).members.length, 1);
  });
});
