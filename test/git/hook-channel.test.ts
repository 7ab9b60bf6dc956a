import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { HookChannel } from '../../src/git/hook-channel.js';

describe('the line channel to a hook', () => {
  it('drops lines a slow reader cannot take, counts them and says so in-band before the verdict', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'berth-git-chan-'));
    const path = join(dir, 's.sock');
    const server = createServer();
    const accepted = new Promise<Socket>((resolve) => server.once('connection', resolve));
    await new Promise<void>((resolve) => server.listen(path, resolve));
    const reader = connect(path);
    reader.pause();
    try {
      const channel = new HookChannel(await accepted);
      const line = 'x'.repeat(1000);
      for (let i = 0; i < 5000; i++) channel.write(line); // 5 MB into a reader that is not reading
      channel.finish(false);
      const chunks: Buffer[] = [];
      reader.on('data', (c: Buffer) => chunks.push(c));
      reader.resume();
      await new Promise((resolve) => reader.once('end', resolve));
      const messages = Buffer.concat(chunks).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { line?: string; ok?: boolean });
      const kept = messages.filter((m) => m.line === line).length;
      const note = messages.at(-2)?.line ?? '';
      const dropped = Number(/^ !     (\d+) lines of output dropped: the connection to your git client is too slow\.$/.exec(note)?.[1]);
      assert.ok(kept > 0 && kept < 5000, `kept ${kept}`);
      assert.equal(kept + dropped, 5000);
      assert.deepEqual(messages.at(-1), { ok: false });
    } finally {
      reader.destroy();
      await new Promise((resolve) => server.close(resolve));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
