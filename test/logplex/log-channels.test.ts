import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { LogChannels } from '../../src/logplex/log-channels.js';
import { tempDir } from './support.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function open(dir?: string): Promise<{ channels: LogChannels; dir: string }> {
  const where = dir ?? (await tempDir('channels'));
  if (!dir) dirs.push(where);
  return { channels: await LogChannels.open({ dir: where }), dir: where };
}

/** Runs `script` in a real child node process and feeds its stdout to the channel as web.1. */
async function ingestFrom(channels: LogChannels, channel: string, script: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await channels.ingest(channel, 'app', 'web.1', child.stdout);
  await exited;
}

const messages = (channels: LogChannels, channel: string): string[] => channels.history(channel).map((e) => e.line.message);

describe('log channels', () => {
  it('keep the last 1500 lines across a restart, and keep numbering where they left off', async () => {
    const { channels, dir } = await open();
    for (let i = 1; i <= 4000; i++) channels.append('app-1', { source: 'app', process: 'web.1', message: `line ${i}` });
    channels.append('app-2', { source: 'heroku', process: 'router', message: 'at=info' });
    await channels.close();

    const reopened = await LogChannels.open({ dir });
    const history = reopened.history('app-1');
    assert.equal(history.length, 1500);
    assert.equal(history[0]?.line.message, 'line 2501');
    assert.equal(history[1499]?.seq, 4000);
    assert.deepEqual(messages(reopened, 'app-2'), ['at=info']);
    reopened.append('app-1', { source: 'app', process: 'web.1', message: 'after restart' });
    assert.equal(reopened.history('app-1', { limit: 1 })[0]?.seq, 4001);
    await reopened.close();

    const rows = (await readFile(path.join(dir, 'app-1.jsonl'), 'utf8')).split('\n').length - 1;
    assert.ok(rows <= 3000, `the history file is compacted (${rows} rows)`);
  });

  it('write a line to disk within the flush interval without being closed', async () => {
    const { channels, dir } = await open();
    channels.append('app-1', { source: 'app', process: 'api', message: 'Release v3 created by user dev@example.com' });
    await waitFor('the line on disk', async () => (await readFile(path.join(dir, 'app-1.jsonl'), 'utf8').catch(() => '')).includes('Release v3'));
    await channels.close();
  });

  it('skip a torn last line after a crash and repair the file', async () => {
    const dir = await tempDir('torn');
    dirs.push(dir);
    await writeFile(path.join(dir, 'app-1.jsonl'), '[1,1000000,"app","web.1","one"]\n[2,1000001,"app","web.1","two"]\n[3,10000');
    const { channels } = await open(dir);
    assert.deepEqual(messages(channels, 'app-1'), ['one', 'two']);
    channels.append('app-1', { source: 'app', process: 'web.1', message: 'three' });
    await channels.close();
    const { channels: again } = await open(dir);
    assert.deepEqual(messages(again, 'app-1'), ['one', 'two', 'three']);
    await again.close();
  });

  it('split appended messages at newlines and render control characters visibly', async () => {
    const { channels } = await open();
    channels.append('app-1', { source: 'app', process: 'release', message: 'first\r\nsecond\x1b[2J\x07' });
    assert.deepEqual(messages(channels, 'app-1'), ['first', 'second\\x1b[2J\\x07']);
    assert.throws(() => channels.append('app-1', { source: 'app', process: 'web 1', message: 'x' }), /process name/);
    assert.throws(() => channels.append('../etc', { source: 'app', process: 'web.1', message: 'x' }), /channel id/);
    await channels.close();
  });

  it('turn a dyno pipe into lines: CRLF, long lines, invalid UTF-8, escapes, an unfinished last line', async () => {
    const { channels } = await open();
    const script = `
      const out = [];
      out.push(Buffer.from('one\\ntwo\\r\\n'));
      out.push(Buffer.from([0x62, 0x61, 0x64, 0x20, 0xff, 0xfe, 0x20, 0xc3, 0x0a]));      // invalid bytes, a cut sequence
      out.push(Buffer.from('\\x1b]0;owned\\x07title \\x1b[31mred\\n'));
      out.push(Buffer.from('x'.repeat(9999) + 'é' + 'y'.repeat(5000) + '\\n'));         // é would straddle byte 10 000
      out.push(Buffer.from('no newline at the end'));
      for (const b of out) process.stdout.write(b);
    `;
    await ingestFrom(channels, 'app-1', script);
    const got = messages(channels, 'app-1');
    assert.deepEqual(got.slice(0, 4), ['one', 'two', 'bad \ufffd\ufffd \ufffd', '\\x1b]0;owned\\x07title \\x1b[31mred']);
    assert.equal(got[4], 'x'.repeat(9999));
    assert.equal(got[5], `é${'y'.repeat(5000)}`);
    assert.equal(got[6], 'no newline at the end');
    assert.equal(got.length, 7);
    assert.ok(channels.history('app-1').every((e) => e.line.process === 'web.1' && e.line.source === 'app'));
    await channels.close();
  });

  it('keep memory bounded while a dyno prints 100 MB without a newline', async () => {
    // The host runs with a 64 MB old space: an unbounded line buffer would die of OOM there.
    const dir = await tempDir('flood');
    dirs.push(dir);
    const host = fileURLToPath(new URL('./flood-host.js', import.meta.url));
    const { stdout } = await run(process.execPath, ['--max-old-space-size=64', host, dir], { timeout: 120_000 });
    const result = JSON.parse(stdout) as { lastSeq: number; maxLineBytes: number; grewMb: number };
    assert.equal(result.lastSeq, Math.ceil((100 * 1024 * 1024) / 10_000), 'every 10 000 bytes became a line');
    assert.equal(result.maxLineBytes, 10_000);
    assert.ok(result.grewMb < 200, `RSS grew ${result.grewMb} MB while 100 MB streamed through`);
  });

  it('delete a channel and its history when the app goes away', async () => {
    const { channels, dir } = await open();
    channels.append('app-9', { source: 'app', process: 'web.1', message: 'bye' });
    await channels.flush();
    await channels.remove('app-9');
    await assert.rejects(readFile(path.join(dir, 'app-9.jsonl')), { code: 'ENOENT' });
    assert.deepEqual(channels.history('app-9'), []);
    channels.append('app-9', { source: 'heroku', process: 'web.1', message: 'State changed from up to down' });
    await channels.flush();
    await assert.rejects(readFile(path.join(dir, 'app-9.jsonl')), { code: 'ENOENT' }, 'a late line does not bring the history back');
    assert.deepEqual(channels.history('app-9'), []);
    await channels.close();
  });
});
