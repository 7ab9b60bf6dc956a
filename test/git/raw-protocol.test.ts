import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ALICE_KEY, clientRepo, mustGit, processesUnder, refIn, startHarness, type Harness } from './harness.js';
import { waitFor } from '../support/wait.js';

const ZERO = '0'.repeat(40);
let h: Harness;
before(async () => { h = await startHarness(); });
after(async () => { await h.close(); });

const pktLine = (s: string): Buffer => Buffer.from((Buffer.byteLength(s) + 4).toString(16).padStart(4, '0') + s);

/** A receive-pack request creating refs/heads/main at the client's HEAD: commands, flush, pack. */
async function receivePackBody(dir: string): Promise<{ sha: string; body: Buffer }> {
  const sha = (await mustGit(h, ['rev-parse', 'HEAD'], dir)).stdout.trim();
  const pack = await new Promise<Buffer>((resolve, reject) => {
    const child = execFile('git', ['pack-objects', '--stdout', '--revs', '-q'], { cwd: dir, encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
    child.stdin?.end(`${sha}\n`);
  });
  const commands = pktLine(`${ZERO} ${sha} refs/heads/main\0report-status side-band-64k agent=berth-test\n`);
  return { sha, body: Buffer.concat([commands, Buffer.from('0000'), pack]) };
}

const quarantines = async (appId: string): Promise<string[]> =>
  (await readdir(join(h.repoPath(appId), 'objects'))).filter((e) => e.startsWith('tmp_objdir'));

function post(app: string, headers: Record<string, string> = {}): ClientRequest {
  const url = new URL(`${h.url}/${app}.git/git-receive-pack`);
  return request(url, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-git-receive-pack-request',
      Authorization: `Basic ${Buffer.from(`git:${ALICE_KEY}`).toString('base64')}`,
      ...headers,
    },
  });
}

describe('the receive-pack endpoint', () => {
  it('accepts a gzip-compressed request body', async () => {
    const { name, appId } = h.addApp('alice');
    h.onPush = async () => ({ ok: true });
    const { sha, body } = await receivePackBody(await clientRepo(h));
    const req = post(name, { 'Content-Encoding': 'gzip' });
    const response = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('latin1') }));
      });
      req.on('error', reject);
      req.end(gzipSync(body));
    });
    assert.equal(response.status, 200);
    assert.match(response.body, /unpack ok\n/);
    assert.match(response.body, /ok refs\/heads\/main\n/);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), sha);
  });

  it('a client that disconnects during the build aborts it and leaves no git process behind', async () => {
    const { name, appId } = h.addApp('alice');
    let started!: () => void;
    const building = new Promise<void>((resolve) => { started = resolve; });
    let aborted = false;
    h.onPush = async (_push, io) => {
      started();
      await new Promise<void>((resolve) => {
        io.signal.addEventListener('abort', () => { aborted = true; resolve(); }, { once: true });
        setTimeout(resolve, 30_000).unref(); // bounded: the test fails below instead of hanging
      });
      return { ok: true };
    };
    const { body } = await receivePackBody(await clientRepo(h));
    const req = post(name);
    req.on('error', () => {});
    req.end(body);
    await building;
    assert.ok((await processesUnder(h.reposDir)).length > 0, 'receive-pack and its hook are running');
    req.destroy();
    await waitFor('onPush saw io.signal abort', () => aborted);
    await waitFor('no git process is left', async () => (await processesUnder(h.reposDir)).length === 0);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
    await waitFor('the quarantine directory is removed', async () => (await quarantines(appId)).length === 0);
  });

  it('a client that disconnects while uploading the pack leaves no git process behind', async () => {
    const { name, appId } = h.addApp('alice');
    const { body } = await receivePackBody(await clientRepo(h, { 'big.bin': 'x'.repeat(200_000) + Math.random() }));
    const req = post(name, { 'Transfer-Encoding': 'chunked' });
    req.on('error', () => {});
    req.write(body.subarray(0, Math.floor(body.length / 2)));
    await waitFor('receive-pack started', async () => (await processesUnder(h.reposDir)).length > 0);
    req.destroy();
    await waitFor('no git process is left', async () => (await processesUnder(h.reposDir)).length === 0);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
    await waitFor('the quarantine directory is removed', async () => (await quarantines(appId)).length === 0);
  });

  it('answers a corrupt gzip body with 400 and a message', async () => {
    const { name, appId } = h.addApp('alice');
    const req = post(name, { 'Content-Encoding': 'gzip' });
    const response = await new Promise<{ status: number | undefined; body: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => { text += c; });
        res.on('end', () => resolve({ status: res.statusCode, body: text }));
      });
      req.on('error', reject);
      req.end(Buffer.concat([gzipSync(Buffer.from('0000')).subarray(0, 10), Buffer.from('not gzip at all')]));
    });
    assert.equal(response.status, 400);
    assert.match(response.body, /^Berth could not serve this git request: the request body could not be read \(.+\)\n$/);
    assert.equal(await refIn(h, appId, 'refs/heads/main'), undefined);
  });
});
