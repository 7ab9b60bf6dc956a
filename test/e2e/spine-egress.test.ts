import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { type CountingServer, REDIRECTOR_ONLY, startCountingServer, startRedirector } from '../egress/targets.js';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { routerGet, waitForLogs } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

// Berth runs with `--allow-private-urls 127.0.0.2/32`: a page server there, which redirects
// everything to a loopback service on 127.0.0.1, shows each path did fetch what it was allowed
// to (so the flag reached the control plane, the agent and the router workers) and the
// loopback service shows nothing else was connected to.
describe('a running Berth never connects tenant URLs to the host\'s loopback services', () => {
  const berth = useBerth({ args: REDIRECTOR_ONLY.flatMap((range) => ['--allow-private-urls', range]) });
  let forbidden: CountingServer;
  // One redirector per path, so each count says which path connected.
  let redirector: CountingServer;
  let drainRedirector: CountingServer;
  let pageRedirector: CountingServer;
  let app: string;

  before(async () => {
    forbidden = await startCountingServer('127.0.0.1', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>internal</h1>'));
    berth.onShutDown(() => forbidden.close());
    redirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`);
    drainRedirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`);
    pageRedirector = await startRedirector(`http://127.0.0.1:${forbidden.port}`);
    for (const server of [redirector, drainRedirector, pageRedirector]) berth.onShutDown(() => server.close());
    app = await berth.createApp('egress');
  });

  const build = async (url: string): Promise<string> => {
    const created = await api(berth, `/apps/${app}/builds`, { method: 'POST', body: JSON.stringify({ source_blob: { url } }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return waitFor(`the build from ${url} to fail`, async () => {
      const got = await api(berth, `/apps/${app}/builds/${created.body.id as string}`);
      return got.body.status === 'failed' ? (got.body.error_message as string) : undefined;
    });
  };

  it('fails builds from a loopback source_blob.url, or one redirected there, with "refused by policy"', async () => {
    const direct = await build(`http://127.0.0.1:${forbidden.port}/app.tgz`);
    assert.match(direct, /^Could not download the source from http:\/\/127\.0\.0\.1:\d+\/app\.tgz: connecting to 127\.0\.0\.1 is refused by policy/);
    const redirected = await build(`http://127.0.0.2:${redirector.port}/app.tgz`);
    assert.match(redirected, /connecting to 127\.0\.0\.1 is refused by policy: .*--allow-private-urls/);
    assert.equal(redirector.connections, 1, 'the allowed first hop was fetched');
    assert.equal(forbidden.connections, 0);
  });

  it('reports a drain to localhost as "refused by policy" in the app\'s logs, and follows no drain redirect', async () => {
    for (const url of [`http://localhost:${forbidden.port}/logs`, `http://127.0.0.2:${drainRedirector.port}/logs`]) {
      const added = await api(berth, `/apps/${app}/log-drains`, { method: 'POST', body: JSON.stringify({ url }) });
      assert.equal(added.status, 201, JSON.stringify(added.body));
    }
    await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ WAKE: 'a log line for the drains' }) });
    const logs = await waitForLogs(berth, app, [/Could not deliver to drain \S+ \(http:\/\/localhost:\d+\/logs\): connecting to localhost is refused by policy/, /\(http:\/\/127\.0\.0\.2:\d+\/logs\) answered HTTP 302/]);
    assert.doesNotMatch(logs, /ECONNREFUSED|internal/);
    assert.equal(forbidden.connections, 0);
  });

  it('serves the built-in error page when ERROR_PAGE_URL redirects to a loopback service', async () => {
    const set = await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ ERROR_PAGE_URL: `http://127.0.0.2:${pageRedirector.port}/error.html` }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    await waitFor('the router to ask the allowed page server', async () => {
      const reply = await routerGet(berth, app);
      assert.equal(reply.status, 503);
      assert.doesNotMatch(reply.body, /internal/);
      return pageRedirector.connections > 0;
    });
    assert.equal(forbidden.connections, 0, 'neither the builds, the drains nor the router connected to the loopback service');
  });
});
