import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { restoreBackup } from '../../src/backup/restore-backup.js';
import { ScheduledBackups } from '../../src/main/scheduled-backups.js';
import { FakeClock } from '../support/fake-clock.js';
import { waitFor } from '../support/wait.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const roots: string[] = [];
after(async () => {
  for (const root of roots) await rm(root, { recursive: true, force: true });
});

/** A small data dir: SQLite state with one app, a slug blob, an admin key. */
async function dataDir(): Promise<{ root: string; data: string; backups: string }> {
  const root = await mkdtemp(join(tmpdir(), 'berth-scheduled-backups-'));
  roots.push(root);
  const data = join(root, 'data');
  await mkdir(join(data, 'blobs', 'slugs'), { recursive: true });
  const db = new Database(join(data, 'state.sqlite'));
  db.exec("CREATE TABLE apps (name TEXT); INSERT INTO apps VALUES ('alpha');");
  db.close();
  await writeFile(join(data, 'blobs', 'slugs', 'one.tgz'), 'slug bytes');
  await writeFile(join(data, 'admin.key'), 'key\n', { mode: 0o600 });
  const backups = join(root, 'backups');
  await mkdir(backups);
  return { root, data, backups };
}

const archives = async (dir: string) => (await readdir(dir)).filter((n) => n.endsWith('.tar.gz')).sort();

describe('scheduled backups of Berth itself (up --backup-dir --backup-keep)', () => {
  it('takes the first backup a minute after start, then one a day, keeping the newest N', async () => {
    const { data, backups } = await dataDir();
    const clock = new FakeClock();
    const events: Array<Record<string, unknown>> = [];
    const schedule = new ScheduledBackups({ dir: backups, keep: 2, dataDir: data, timers: clock, now: () => new Date(clock.now()), log: (e) => void events.push(e) });
    await schedule.start();
    clock.advance(59_000);
    assert.deepEqual(await archives(backups), [], 'not before the first delay');
    clock.advance(1_000);
    await waitFor('the first backup', async () => (await archives(backups)).length === 1);
    for (let day = 1; day <= 2; day++) {
      await waitFor('the next day to be scheduled', () => clock.pending === 1);
      clock.advance(DAY);
      await waitFor(`the backup of day ${day}`, async () => events.length === day + 1);
    }
    const left = await archives(backups);
    assert.equal(left.length, 2, left.join(' '));
    assert.deepEqual(events.at(-1)?.deleted, [(events[0]?.file as string).split('/').at(-1)], 'the oldest went');
    await schedule.stop();
    // What it wrote is a backup admin:restore takes.
    const restored = join(backups, '..', 'restored');
    await restoreBackup({ file: join(backups, left.at(-1) as string), dataDir: restored });
    const db = new Database(join(restored, 'state.sqlite'), { readonly: true });
    assert.deepEqual(db.prepare('SELECT name FROM apps').all(), [{ name: 'alpha' }]);
    db.close();
  });

  it('after a restart, waits for a day after the newest backup in the directory, and runs a missed one at once', async () => {
    const { data, backups } = await dataDir();
    const clock = new FakeClock();
    const events: Array<Record<string, unknown>> = [];
    const options = { dir: backups, keep: 5, dataDir: data, timers: clock, now: () => new Date(clock.now()), log: (e: Record<string, unknown>) => void events.push(e) };
    const first = new ScheduledBackups(options);
    await first.start();
    clock.advance(60_000);
    await waitFor('the first backup', () => events.length === 1);
    await first.stop();

    clock.advance(20 * HOUR);
    const second = new ScheduledBackups(options);
    await second.start();
    clock.advance(3 * HOUR);
    assert.equal(events.length, 1, 'the day since the last backup has not passed');
    clock.advance(HOUR);
    await waitFor('the daily backup', () => events.length === 2);
    await second.stop();

    clock.advance(3 * DAY);
    const third = new ScheduledBackups(options);
    await third.start();
    clock.advance(1_000);
    await waitFor('the missed backup, once', () => events.length === 3);
    await third.stop();
    assert.equal((await archives(backups)).length, 3);
  });

  it('logs a failed backup and tries again an hour later', async () => {
    const { root, backups } = await dataDir();
    const clock = new FakeClock();
    const events: Array<Record<string, unknown>> = [];
    const schedule = new ScheduledBackups({ dir: backups, keep: 2, dataDir: join(root, 'no-such-data-dir'), timers: clock, now: () => new Date(clock.now()), log: (e) => void events.push(e) });
    await schedule.start();
    clock.advance(60_000);
    await waitFor('the failure to be logged', () => events.length === 1);
    assert.equal(events[0]?.at, 'error');
    await waitFor('the retry to be scheduled', () => clock.pending === 1);
    clock.advance(HOUR);
    await waitFor('the retry', () => events.length === 2);
    await schedule.stop();
    assert.deepEqual(await archives(backups), []);
    assert.equal(execFileSync('ls', ['-A', backups], { encoding: 'utf8' }).trim(), '', 'no partial file left');
  });
});
