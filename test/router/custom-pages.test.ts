import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
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
    ]);
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
