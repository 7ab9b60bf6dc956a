// JSON answers of 1 KB or more are gzipped for clients that ask (Accept-Encoding), over a real
// socket: the same JSON either way, Vary on both, nothing compressed for a client that does not
// ask, refuses gzip (q=0) or gets a small answer.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';

const api = useApi();
const user = api.user('compression@example.test');

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(path: string, acceptEncoding?: string): Promise<Raw> {
  const url = new URL(path, api.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { accept: 'application/vnd.heroku+json; version=3', authorization: `Bearer ${user.key}` };
    if (acceptEncoding !== undefined) headers['accept-encoding'] = acceptEncoding;
    const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('compressed API answers', () => {
  before(async () => {
    for (let i = 0; i < 12; i++) {
      const created = await api.request('/apps', { key: user.key, method: 'POST', body: JSON.stringify({ name: `gzip-app-${i}-${Math.random().toString(36).slice(2, 6)}` }) });
      assert.equal(created.status, 201);
    }
  });

  it('gzips a large JSON answer for a client that accepts gzip, with the same JSON and an honest length', async () => {
    const plain = await get('/apps');
    const zipped = await get('/apps', 'gzip, deflate, br');
    assert.equal(plain.status, 200);
    assert.equal(zipped.status, 200);
    assert.ok(plain.body.length >= 1024, `the app list is big enough to compress (${plain.body.length} bytes)`);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(zipped.headers['content-encoding'], 'gzip');
    assert.equal(Number(zipped.headers['content-length']), zipped.body.length);
    assert.ok(zipped.body.length < plain.body.length / 3, `${zipped.body.length} gzipped bytes of ${plain.body.length}`);
    assert.deepEqual(JSON.parse(gunzipSync(zipped.body).toString('utf8')).map((a: { name: string }) => a.name).sort(), JSON.parse(plain.body.toString('utf8')).map((a: { name: string }) => a.name).sort());
    assert.equal(plain.headers.vary, 'Accept-Encoding');
    assert.equal(zipped.headers.vary, 'Accept-Encoding');
  });

  it('sends it as it is to a client that refuses gzip, or only takes another encoding', async () => {
    for (const header of ['gzip;q=0', 'br', 'identity']) {
      const reply = await get('/apps', header);
      assert.equal(reply.headers['content-encoding'], undefined, header);
      assert.ok(Array.isArray(JSON.parse(reply.body.toString('utf8'))), header);
    }
  });

  it('does not compress a small answer, or an error', async () => {
    const account = await get('/account', 'gzip');
    assert.equal(account.status, 200);
    assert.equal(account.headers['content-encoding'], undefined);
    assert.equal(JSON.parse(account.body.toString('utf8')).email, 'compression@example.test');
    const missing = await get('/apps/no-such-app-here', 'gzip');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers['content-encoding'], undefined);
    assert.equal(JSON.parse(missing.body.toString('utf8')).id, 'not_found');
  });
});
