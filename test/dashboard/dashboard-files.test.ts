// The dashboard's built files on the API's port, over real HTTP: cache headers, brotli and gzip
// (precompressed or on the fly), ETag revalidation, no way out of the directory, the page's CSP,
// the page shown when nothing is built — and every API route still answered by the API.

import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { brotliCompressSync, brotliDecompressSync, gunzipSync } from 'node:zlib';
import { apiRoutes } from '../../src/api/server.js';
import { dashboardHandler } from '../../src/dashboard/dashboard-handler.js';
import { useApi } from '../support/api-harness.js';
import { rawRequest } from '../api/helpers.js';

const INDEX = '<!doctype html><html><head><script type="module" src="/assets/index-4f3a9c.js"></script></head><body><div id="app"></div></body></html>\n';
const SCRIPT = `export const rows = [${Array.from({ length: 400 }, (_, i) => `"row ${i}"`).join(',')}];\n`;
const SECRET = 'TOP-SECRET-OUTSIDE-ASSETS';

const dir = mkdtempSync(join(tmpdir(), 'berth-dashboard-'));
const api = useApi({ dashboardDir: join(dir, 'web') }, writeBuild);

/** A small build like Vite's, plus files the server must never hand out. */
async function writeBuild(): Promise<void> {
  await mkdir(join(dir, 'web', 'assets'), { recursive: true });
  await writeFile(join(dir, 'web', 'index.html'), INDEX);
  await writeFile(join(dir, 'web', 'assets', 'index-4f3a9c.js'), SCRIPT);
  await writeFile(join(dir, 'web', 'assets', 'style-1b2c.css'), 'body{color:#222}\n'.repeat(100));
  await writeFile(join(dir, 'web', 'assets', 'pre-9d8e.js'), SCRIPT);
  await writeFile(join(dir, 'web', 'assets', 'pre-9d8e.js.br'), brotliCompressSync('// the precompressed file\n'));
  await writeFile(join(dir, 'web', 'assets', 'logo-77.png'), Buffer.alloc(2048, 7));
  await writeFile(join(dir, 'web', 'secret.txt'), SECRET);
  await writeFile(join(dir, 'secret.txt'), SECRET);
  await symlink(join(dir, 'secret.txt'), join(dir, 'web', 'assets', 'escape.js'));
}
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

const get = (path: string, headers: Record<string, string> = {}) => rawRequestBytes(api.url, path, headers);

/** A GET whose body is kept as bytes (compressed bodies are not UTF-8). */
function rawRequestBytes(base: string, path: string, headers: Record<string, string>, method = 'GET') {
  return fetch(`${base}${path}`, { method, headers }).then(async (res) => ({ res, body: Buffer.from(await res.arrayBuffer()) }));
}

describe('the dashboard page', () => {
  it('serves index.html at / with no-cache, nosniff and a strict Content-Security-Policy', async () => {
    const { res, body } = await get('/', { 'accept-encoding': 'identity' });
    assert.equal(res.status, 200);
    assert.equal(body.toString(), INDEX);
    assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    const csp = res.headers.get('content-security-policy') ?? '';
    for (const directive of ["default-src 'self'", "script-src 'self'", "connect-src 'self'", "object-src 'none'", "frame-ancestors 'none'"]) assert.ok(csp.split('; ').includes(directive), `${directive} in ${csp}`);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
  });

  it('answers HEAD / with the headers and no body', async () => {
    const res = await rawRequest(api.url, '/', { method: 'HEAD' });
    assert.equal(res.status, 200);
    assert.equal(res.text, '');
    assert.equal(res.headers['content-length'], String(Buffer.byteLength(INDEX)));
  });

  it('says how to build the dashboard when there is none', async () => {
    const server: Server = createServer((req, res) => {
      if (!dashboardHandler({ dir: join(dir, 'not-built') })(req, res)) res.end('api');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as { port: number }).port}/`);
      assert.equal(res.status, 503);
      assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(await res.text(), /dashboard isn't built[\s\S]*scripts\/install\.sh/);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('the dashboard assets', () => {
  it('serves a hashed file for a year, immutable, with its content type', async () => {
    const { res, body } = await get('/assets/style-1b2c.css', { 'accept-encoding': 'identity' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    assert.equal(res.headers.get('content-type'), 'text/css; charset=utf-8');
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(res.headers.get('content-encoding'), null);
    assert.equal(body.toString(), 'body{color:#222}\n'.repeat(100));
  });

  it('compresses with brotli or gzip as the client accepts, and leaves images alone', async () => {
    const br = await rawBytes('/assets/index-4f3a9c.js', 'gzip, deflate, br');
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers.vary, 'Accept-Encoding');
    assert.ok(br.body.length < Buffer.byteLength(SCRIPT) / 2);
    assert.equal(brotliDecompressSync(br.body).toString(), SCRIPT);
    const gz = await rawBytes('/assets/index-4f3a9c.js', 'gzip');
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gunzipSync(gz.body).toString(), SCRIPT);
    const refused = await rawBytes('/assets/index-4f3a9c.js', 'br;q=0, gzip;q=0');
    assert.equal(refused.headers['content-encoding'], undefined);
    assert.equal(refused.body.toString(), SCRIPT);
    const png = await rawBytes('/assets/logo-77.png', 'br, gzip');
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.headers['content-type'], 'image/png');
  });

  it('sends the precompressed .br file beside an asset when there is one', async () => {
    const res = await rawBytes('/assets/pre-9d8e.js', 'br');
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(brotliDecompressSync(res.body).toString(), '// the precompressed file\n');
  });

  it('answers 304 to a matching If-None-Match, per encoding', async () => {
    const first = await rawBytes('/assets/index-4f3a9c.js', 'br');
    const etag = String(first.headers.etag);
    assert.match(etag, /^"[^"]+"$/);
    const again = await rawRequest(api.url, '/assets/index-4f3a9c.js', { headers: { 'accept-encoding': 'br', 'if-none-match': etag } });
    assert.equal(again.status, 304);
    assert.equal(again.text, '');
    assert.equal(again.headers.etag, etag);
    const plain = await rawRequest(api.url, '/assets/index-4f3a9c.js', { headers: { 'if-none-match': etag } });
    assert.equal(plain.status, 200, 'the identity form has another ETag');
    const page = await rawRequest(api.url, '/', { headers: { 'if-none-match': String((await rawRequest(api.url, '/')).headers.etag) } });
    assert.equal(page.status, 304);
  });

  it('refuses every way out of the assets directory with 404', async () => {
    for (const path of ['/assets/../secret.txt', '/assets/%2e%2e/secret.txt', '/assets/..%2fsecret.txt', '/assets/..%2F..%2Fsecret.txt', '/assets/%2e%2e%2fsecret.txt', '/assets/..\\secret.txt', '/assets/.hidden', '/assets/escape.js', '/assets/', '/assets/%00', '/assets/%E0%A4%A']) {
      const res = await rawRequest(api.url, path);
      assert.doesNotMatch(res.text, new RegExp(SECRET), path);
      assert.equal(res.status, 404, `${path}: ${res.status} ${res.text}`);
    }
    assert.equal((await rawRequest(api.url, '/assets/missing-0.js')).status, 404);
  });
});

/** A raw GET with Accept-Encoding, the body as bytes. */
async function rawBytes(path: string, acceptEncoding: string) {
  const { request } = await import('node:http');
  const url = new URL(api.url);
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, headers: { 'accept-encoding': acceptEncoding }, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the API beside the dashboard', () => {
  it('answers every registered route itself, as before: only /, /assets/* and /favicon.ico are the UI', async () => {
    for (const route of apiRoutes) {
      assert.ok(route.path !== '/' && route.path !== '/favicon.ico' && !route.path.startsWith('/assets/'), `${route.method} ${route.path} collides with the UI`);
      const path = route.path.replace(/:[a-z_]+/g, 'nothing-here');
      const res = await rawRequest(api.url, path, { method: route.method, headers: { 'content-type': 'application/json' } });
      assert.match(String(res.headers['request-id'] ?? ''), /^[0-9a-f-]{36}$/, `${route.method} ${path} reached the API`);
      assert.equal(res.headers['content-security-policy'], undefined, `${route.method} ${path}`);
    }
    const posted = await rawRequest(api.url, '/', { method: 'POST' });
    assert.equal(posted.status, 404);
    assert.equal(JSON.parse(posted.text).id, 'not_found', 'other methods on / stay the API 404');
  });
});
