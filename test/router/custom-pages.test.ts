import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { EgressGuard } from '../../src/egress/egress-guard.js';
import { pageFetcher } from '../../src/router/custom-pages.js';
import { type CountingServer, PRIVATE_ADDRESS, REDIRECTOR_ONLY, startCountingServer, startRedirector } from '../egress/targets.js';
import { app, closedPort, get, parseResponse, rawRequest, startBackend, startTestRouter, type TestBackend, type TestRouter } from './harness.js';

describe('custom error and maintenance pages', () => {
  let pages: TestBackend;
  let router: TestRouter;
  before(async () => {
    pages = await startBackend((req, res) => {
      if (req.url === '/error.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Our own error page</h1>');
      if (req.url === '/maint.html') return void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>Back soon</h1>');
      res.writeHead(404).end();
    });
    const base = `http://127.0.0.1:${pages.port}`;
    router = await startTestRouter([
      app('custom', [], { errorPageUrl: `${base}/error.html`, maintenancePageUrl: `${base}/maint.html` }),
      app('custom-maint', [], { maintenance: true, errorPageUrl: `${base}/error.html`, maintenancePageUrl: `${base}/maint.html` }),
      app('gone-page', [], { errorPageUrl: `http://127.0.0.1:${await closedPort()}/error.html` }),
      app('missing-page', [], { errorPageUrl: `${base}/nope.html` }),
    ], { allowPrivateUrls: ['127.0.0.0/8'] });
  });
  after(async () => {
    await router.stop();
    await pages.close();
  });

  const fetchVia = async (name: string) => parseResponse(await rawRequest(router.port, get(`${name}.berth.test`, '/', 'Connection: close\r\n')));

  it('serves the app\'s ERROR_PAGE_URL page for an H-code, with the 503 status', async () => {
    const res = await fetchVia('custom');
    assert.equal(res.status, 503);
    assert.equal(res.body.toString(), '<h1>Our own error page</h1>');
    assert.equal(res.headers['content-type'], 'text/html');
  });

  it('serves MAINTENANCE_PAGE_URL in maintenance mode', async () => {
    const res = await fetchVia('custom-maint');
    assert.equal(res.status, 503);
    assert.equal(res.body.toString(), '<h1>Back soon</h1>');
  });

  it('fetches a page once and then answers from the cache', async () => {
    const before = pages.seen.filter((r) => r.url === '/error.html').length;
    for (let i = 0; i < 5; i++) assert.equal((await fetchVia('custom')).body.toString(), '<h1>Our own error page</h1>');
    assert.equal(pages.seen.filter((r) => r.url === '/error.html').length, before);
  });

  it('falls back to the built-in page when the custom page cannot be fetched', async () => {
    for (const name of ['gone-page', 'missing-page']) {
      const res = await fetchVia(name);
      assert.equal(res.status, 503);
      assert.match(res.body.toString(), /no web dynos/, name);
    }
    await router.waitForLog(/code=H14 .*host=gone-page\.berth\.test/);
  });
});

describe('custom pages from private addresses', () => {
  let forbidden: CountingServer;
  let redirector: CountingServer;
  before(async () => {
    forbidden = await startCountingServer('127.0.0.1', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal</h1>'));
    redirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`);
  });
  after(async () => {
    await redirector.close();
    await forbidden.close();
  });

  it('are refused by policy without an allowance, before any connection', async () => {
    const fetch = pageFetcher(new EgressGuard());
    for (const url of [`http://127.0.0.1:${forbidden.port}/e.html`, `http://localhost:${forbidden.port}/e.html`, `https://${PRIVATE_ADDRESS}/e.html`]) {
      await assert.rejects(fetch(url, 2_000, 1024), (err: Error) => /refused by policy/.test(err.message) && !err.message.includes(String(forbidden.port)), url);
    }
    assert.equal(forbidden.connections, 0);
  });

  it('fall back to the built-in page, redirects to a private address included', async () => {
    const router = await startTestRouter(
      [
        app('loopback-page', [], { errorPageUrl: `http://127.0.0.1:${forbidden.port}/error.html` }),
        app('named-page', [], { maintenance: true, maintenancePageUrl: `http://localhost:${forbidden.port}/maint.html` }),
        app('redirected-page', [], { errorPageUrl: `http://127.0.0.2:${redirector.port}/error.html` }),
      ],
      { allowPrivateUrls: REDIRECTOR_ONLY },
    );
    try {
      for (const name of ['loopback-page', 'named-page', 'redirected-page']) {
        const res = parseResponse(await rawRequest(router.port, get(`${name}.berth.test`, '/', 'Connection: close\r\n')));
        assert.equal(res.status, 503, name);
        assert.doesNotMatch(res.body.toString(), /internal/, name);
      }
      assert.equal(redirector.connections, 1, 'the allowed page server was asked');
      assert.equal(forbidden.connections, 0);
    } finally {
      await router.stop();
    }
  });
});
