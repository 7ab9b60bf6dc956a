// Automatic certificates end to end: Berth gets certificates from pebble (Let's Encrypt's test
// CA) over HTTP-01 answered by its own router, for <app>.<domain> and a custom domain; a domain
// whose DNS does not point here is skipped with its reason; force-https and hsts through the
// real router; a CA that went away leaves the certificates serving.
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { api } from '../support/berth-process.js';
import { startDnsResponder, type DnsResponder } from '../support/dns-responder.js';
import { useBerth } from '../support/e2e-harness.js';
import { freePort, PEBBLE_API_CA, startPebble, type Pebble } from '../support/pebble.js';
import { waitFor } from '../support/wait.js';
import { describeResult, flat, runHeroku } from '../support/heroku-cli.js';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../support/repo-root.js';
import { startBerth, testEnv, type BerthProcess } from '../support/berth-process.js';
import { createApp } from '../support/spine.js';
import { connect as tlsConnect } from 'node:tls';
import { rsaSelfSigned } from '../support/test-certificates.js';

/** `berth ARGS` as a user runs it (the built CLI in a child process). */
function runBerthCli(argv: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [join(repoRoot(), 'dist', 'src', 'main', 'berth.js'), ...argv], { env: testEnv(env), timeout: 60_000, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const DOMAIN = 'pebble.example.com';
const GOOD = 'www.shop-acme.example.org';
const NOWHERE = 'nowhere.shop-acme.example.org';
const LATER = 'later.shop-acme.example.org';
const OWN = 'own.shop-acme.example.org';
const ALSO = 'also.shop-acme.example.org';

let dns: DnsResponder;
let pebblePort: number;
/** Filled in before Berth starts (useBerth reads its args in its own `before`). */
const args: string[] = [];

before(async () => {
  dns = await startDnsResponder((name) => (name === DOMAIN || name.endsWith(`.${DOMAIN}`) || [GOOD, LATER, OWN, ALSO].includes(name) ? '127.0.0.1' : undefined));
  pebblePort = await freePort();
  args.push(
    '--domain', DOMAIN, '--acme', 'on', '--acme-directory', `https://127.0.0.1:${pebblePort}/dir`, '--acme-ca-cert', PEBBLE_API_CA,
    '--acme-dns-server', dns.address, '--acme-retry-ms', '300', '--acme-interval-ms', '500',
  );
});
after(() => dns.close());

interface DomainJson { hostname: string; kind: string; acm_status: string | null; acm_status_reason: string | null }

describe('automatic certificates from an ACME CA (pebble)', () => {
  const berth = useBerth({ args });
  let pebble: Pebble;
  let root: string;
  let app: string;

  before(async () => {
    // The router's HTTP port is known once Berth runs; pebble validates there.
    pebble = await startPebble({ port: pebblePort, httpPort: berth.runtime.router_port, dnsServer: dns.address });
    root = await pebble.root();
    ({ app } = await berth.deploy('acme', 'procfile-web'));
  });
  after(async () => {
    await pebble?.stop();
  });

  const domains = async (): Promise<DomainJson[]> => {
    const res = await api(berth, `/apps/${app}/domains`);
    assert.equal(res.status, 200);
    return res.body as DomainJson[];
  };
  const statusOf = async (hostname: string) => (await domains()).find((d) => d.hostname === hostname);
  const waitForStatus = (hostname: string, status: string) =>
    waitFor(`${hostname} to reach acm_status ${status}`, async () => {
      const d = await statusOf(hostname);
      return d?.acm_status === status ? d : undefined;
    }, 90_000, 200).catch(async (err: Error) => {
      throw new Error(`${err.message}; domains: ${JSON.stringify(await domains())}\npebble:\n${pebble.output().slice(-3000)}`);
    });

  /** GET over HTTPS through the router, trusting only pebble's root; the certificate it served. */
  const fetchTls = (hostname: string, path = '/', ca: string = root): Promise<{ status: number; body: string; headers: Record<string, unknown>; cert: X509Certificate }> =>
    new Promise((resolve, reject) => {
      const req = httpsRequest({ host: '127.0.0.1', port: berth.runtime.router_tls_port as number, servername: hostname, ca, agent: false, path, headers: { host: hostname } }, (res) => {
        let body = '';
        const raw = (res.socket as import('node:tls').TLSSocket).getPeerX509Certificate();
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers, cert: raw as X509Certificate }));
      });
      req.setTimeout(15_000, () => req.destroy(new Error(`no HTTPS answer for ${hostname} within 15 s`)));
      req.on('error', reject);
      req.end();
    });

  const plainGet = (hostname: string, path: string, method = 'GET'): Promise<{ status: number; headers: Record<string, unknown> }> =>
    new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: berth.runtime.router_port, method, path, agent: false, headers: { host: hostname } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
      });
      req.setTimeout(15_000, () => req.destroy(new Error(`no HTTP answer for ${hostname} within 15 s`)));
      req.on('error', reject);
      req.end();
    });

  it('serves <app>.<domain> over HTTPS with a certificate pebble issued, verified against pebble’s root', async () => {
    const hostname = `${app}.${DOMAIN}`;
    await waitForStatus(hostname, 'cert issued');
    const res = await fetchTls(hostname);
    assert.equal(res.status, 200, res.body);
    assert.match(res.cert.subjectAltName ?? '', new RegExp(`DNS:${hostname.replace(/\./g, '\\.')}`));
    assert.match(res.cert.issuer, /Pebble Intermediate CA/);
    const app_ = await api(berth, `/apps/${app}`);
    assert.equal(app_.body.acm, true);
    assert.equal(app_.body.web_url, `https://${hostname}:${berth.runtime.router_tls_port}/`, 'berth open goes to HTTPS');
  });

  it('gets a certificate for a custom domain whose DNS points here and skips one whose DNS does not, saying why', async () => {
    for (const hostname of [NOWHERE, GOOD]) assert.equal((await api(berth, `/apps/${app}/domains`, { method: 'POST', body: JSON.stringify({ hostname }) })).status, 201);
    const skipped = await waitForStatus(NOWHERE, 'failing');
    assert.match(skipped.acm_status_reason ?? '', /skipped: DNS has no A or AAAA record for nowhere\.shop-acme\.example\.org/);
    await waitForStatus(GOOD, 'cert issued');
    const res = await fetchTls(GOOD);
    assert.equal(res.status, 200);
    assert.match(res.cert.subjectAltName ?? '', /DNS:www\.shop-acme\.example\.org/);
    // Still skipped (no order placed: `skipped` is the reachability check's verdict), with a log line per domain.
    assert.equal((await statusOf(NOWHERE))?.acm_status, 'failing');
    assert.match(berth.output(), /ACME: nowhere\.shop-acme\.example\.org: skipped: DNS has no A or AAAA record/);
  });

  it('leaves a domain with an uploaded certificate to that certificate: no ACME status, the upload serves', async () => {
    const own = await rsaSelfSigned(await berth.tempDir('acme-own'), OWN);
    const endpoint = await api(berth, `/apps/${app}/sni-endpoints`, { method: 'POST', body: JSON.stringify({ certificate_chain: own.cert, private_key: own.key }) });
    assert.equal(endpoint.status, 201, JSON.stringify(endpoint.body));
    assert.equal((await api(berth, `/apps/${app}/domains`, { method: 'POST', body: JSON.stringify({ hostname: OWN, sni_endpoint: endpoint.body.id }) })).status, 201);
    // ALSO, added after OWN, gets its certificate in a pass that saw OWN too.
    assert.equal((await api(berth, `/apps/${app}/domains`, { method: 'POST', body: JSON.stringify({ hostname: ALSO }) })).status, 201);
    await waitForStatus(ALSO, 'cert issued');
    assert.equal((await statusOf(OWN))?.acm_status, null);
    const served = await fetchTls(OWN, '/', own.cert);
    assert.equal(served.status, 200);
    assert.equal(served.cert.subject, `CN=${OWN}`);
  });

  it('redirects plain HTTP to HTTPS with force-https and adds HSTS with hsts, through the real router', async () => {
    const hostname = `${app}.${DOMAIN}`;
    assert.equal((await plainGet(hostname, '/')).status, 200, 'plain HTTP served before force-https');
    for (const feature of ['force-https', 'hsts']) {
      assert.equal((await api(berth, `/apps/${app}/features/${feature}`, { method: 'PATCH', body: JSON.stringify({ enabled: true }) })).status, 200);
    }
    const redirected = await waitFor('the router to redirect plain HTTP', async () => {
      const res = await plainGet(hostname, '/path?q=1');
      return res.status === 301 ? res : undefined;
    }, 15_000, 100);
    assert.equal(redirected.headers.location, `https://${hostname}:${berth.runtime.router_tls_port}/path?q=1`);
    assert.equal((await plainGet(hostname, '/form', 'POST')).status, 308);
    const secure = await fetchTls(hostname);
    assert.equal(secure.status, 200);
    assert.equal(secure.headers['strict-transport-security'], 'max-age=31536000');
  });

  it('shows each hostname’s status in berth certs:auto and heroku certs:auto, and turns ACM off and on with certs:auto:disable/enable', async (t) => {
    const home = await berth.tempDir('acme-cli');
    const cli = { apiUrl: berth.apiUrl, home, apiKey: berth.adminKey };
    const ours = await runBerthCli(['certs:auto', '-a', app], { BERTH_API_URL: berth.apiUrl, BERTH_API_KEY: berth.adminKey, HOME: home });
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(ours.stdout, new RegExp(`=== Automatic Certificate Management is enabled on ${app}`));
    assert.match(ours.stdout, /www\.shop-acme\.example\.org +Cert issued/);
    assert.match(ours.stdout, /nowhere\.shop-acme\.example\.org +Failing +skipped: DNS has no A or AAAA record/);
    const theirs = await runHeroku(cli, ['certs:auto', '-a', app]);
    assert.equal(theirs.code, 0, describeResult(theirs));
    assert.match(flat(theirs.stdout), new RegExp(`Automatic Certificate Management is enabled on ${app}`));
    assert.match(flat(theirs.stdout), /www\.shop-acme\.example\.org Cert issued/);
    assert.match(flat(theirs.stdout), /nowhere\.shop-acme\.example\.org Failing/);

    const disabled = await runHeroku(cli, ['certs:auto:disable', '-a', app, '--confirm', app]);
    assert.equal(disabled.code, 0, describeResult(disabled));
    assert.equal((await api(berth, `/apps/${app}`)).body.acm, false);
    await waitFor('the automatic certificates to be dropped', async () => (await domains()).every((d) => d.acm_status === null), 30_000, 200);
    await waitFor('the router to serve Berth’s own certificate again', () => fetchTls(GOOD).then(() => false, (err: Error) => /unable to verify|self.signed|issuer/i.test(err.message)), 15_000, 200);
    t.diagnostic('ACM off: no status, the default certificate serves');

    const enabled = await runHeroku(cli, ['certs:auto:enable', '-a', app]);
    assert.equal(enabled.code, 0, describeResult(enabled));
    await waitForStatus(GOOD, 'cert issued');
    assert.equal((await fetchTls(GOOD)).status, 200);
  });

  it('keeps serving issued certificates while the CA is down, and says why a new domain waits', async () => {
    await pebble.stop();
    assert.equal((await api(berth, `/apps/${app}/domains`, { method: 'POST', body: JSON.stringify({ hostname: LATER }) })).status, 201);
    const failing = await waitForStatus(LATER, 'failing');
    assert.match(failing.acm_status_reason ?? '', /the ACME server could not be reached \(ECONNREFUSED\)/);
    const res = await fetchTls(GOOD);
    assert.equal(res.status, 200);
    assert.match(res.cert.issuer, /Pebble Intermediate CA/);
  });
});

describe('automatic certificates across a restart of Berth', () => {
  let pebble: Pebble | undefined;
  let first: BerthProcess | undefined;
  let second: BerthProcess | undefined;
  after(async () => {
    await second?.destroy();
    if (first && !second) await first.destroy();
    await pebble?.stop();
  });

  /** The serial number of the certificate the router serves for `hostname` (any issuer). */
  const servedSerial = (berth: BerthProcess, hostname: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: berth.runtime.router_tls_port as number, servername: hostname, rejectUnauthorized: false }, () => {
        resolve(socket.getPeerX509Certificate()?.serialNumber ?? '');
        socket.destroy();
      });
      socket.setTimeout(10_000, () => socket.destroy(new Error(`no TLS handshake for ${hostname} within 10 s`)));
      socket.on('error', reject);
    });

  it('keeps its certificates and ACME account in the store: the restarted Berth serves the same certificate without a new order', async () => {
    first = await startBerth({ args });
    pebble = await startPebble({ port: pebblePort, httpPort: first.runtime.router_port, dnsServer: dns.address });
    const app = await createApp(first, `acme-keep-${Math.random().toString(36).slice(2, 7)}`);
    const hostname = `${app}.${DOMAIN}`;
    await waitFor(`${hostname} to get a certificate`, async () => {
      const list = (await api(first as BerthProcess, `/apps/${app}/domains`)).body as DomainJson[];
      return list.find((d) => d.hostname === hostname)?.acm_status === 'cert issued';
    }, 90_000, 200);
    const serial = await servedSerial(first, hostname);
    const orders = (pebble.output().match(/There are now \d+ orders/g) ?? []).length;
    assert.ok(orders >= 1, pebble.output().slice(-2000));
    assert.equal(await first.stop(), 0);

    second = await startBerth({ dataDir: first.dataDir, args });
    const status = ((await api(second, `/apps/${app}/domains`)).body as DomainJson[]).find((d) => d.hostname === hostname);
    assert.equal(status?.acm_status, 'cert issued');
    assert.equal(await waitFor('the restarted router to serve the stored certificate', async () => ((await servedSerial(second as BerthProcess, hostname)) === serial ? true : undefined), 15_000, 100), true);
    assert.equal((pebble.output().match(/There are now \d+ orders/g) ?? []).length, orders, 'no new order after the restart');
  });
});
