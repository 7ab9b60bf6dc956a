import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import type { App } from '../../src/core/model.js';
import { useApi } from '../support/api-harness.js';
import { captureIo } from './capture-io.js';

let home: string;
let key: string;
let app: App;
let kicks = 0;
const APP = 'cli-acm-app';

const api = useApi({ overrides: { acm: { kick: () => void kicks++ } } }, async (started) => {
  key = (await started.createUser('cli-acm@example.test')).key;
  assert.equal((await started.request('/apps', { method: 'POST', key, body: JSON.stringify({ name: APP }) })).status, 201);
  assert.equal((await started.request(`/apps/${APP}/domains`, { method: 'POST', key, body: JSON.stringify({ hostname: 'www.cli-acm.example' }) })).status, 201);
  assert.equal((await started.request(`/apps/${APP}/domains`, { method: 'POST', key, body: JSON.stringify({ hostname: 'nowhere.cli-acm.example' }) })).status, 201);
  app = (await started.store.apps.findByName(APP)) as App;
  const base = { appId: app.id, privateKey: null, failures: 0 };
  await started.store.acmeCertificates.save({ ...base, hostname: 'www.cli-acm.example', status: 'ok', reason: null, certificate: 'CHAIN', privateKey: 'KEY', expiresAt: '2027-03-01T00:00:00.000Z', nextAttemptAt: '2027-01-30T00:00:00.000Z' });
  await started.store.acmeCertificates.save({ ...base, hostname: 'nowhere.cli-acm.example', status: 'failing', reason: 'skipped: DNS has no A or AAAA record for nowhere.cli-acm.example', certificate: null, expiresAt: null, nextAttemptAt: '2026-01-01T00:05:00.000Z' });
});
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-cli-acm-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

async function berth(argv: string[]) {
  const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: key, HOME: home, BERTH_APP: APP }, cwd: home });
  const code = await runCli(argv, captured.io);
  return { code, stdout: captured.stdout(), stderr: captured.stderr() };
}

test('certs:auto shows that ACM is on and each hostname’s status with the reason it failed', async () => {
  const shown = await berth(['certs:auto']);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /^=== Automatic Certificate Management is enabled on cli-acm-app\n/);
  assert.match(shown.stdout, /nowhere\.cli-acm\.example +Failing +skipped: DNS has no A or AAAA record for nowhere\.cli-acm\.example/);
  assert.match(shown.stdout, /www\.cli-acm\.example +Cert issued/);
  assert.match(shown.stdout, /cli-acm-app\.\S+ +Waiting/, 'the default domain has no row yet');
  assert.match(shown.stderr, /retried with backoff/);
  const json = JSON.parse((await berth(['certs:auto', '--json'])).stdout) as { acm: boolean; domains: Array<{ hostname: string; acm_status: string | null }> };
  assert.equal(json.acm, true);
  assert.deepEqual(json.domains.filter((d) => d.acm_status !== null).map((d) => [d.hostname, d.acm_status]).sort(), [['nowhere.cli-acm.example', 'failing'], ['www.cli-acm.example', 'cert issued']]);
});

test('domains adds an ACM Status column when automatic certificates are on', async () => {
  const listed = await berth(['domains']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stdout, /Domain Name +DNS Record Type +DNS Target +SNI Endpoint +ACM Status/);
  assert.match(listed.stdout, /www\.cli-acm\.example +CNAME +cli-acm-app\.\S+ +Cert issued/);
});

test('certs:auto:disable, certs:auto:enable and certs:auto:refresh change the app and ask the manager to look again', async () => {
  const before = kicks;
  assert.deepEqual(await berth(['certs:auto:disable']), { code: 0, stdout: 'Disabling Automatic Certificate Management for cli-acm-app... done\n', stderr: '' });
  assert.match((await berth(['certs:auto'])).stdout, /=== Automatic Certificate Management is disabled on cli-acm-app/);
  const enabled = await berth(['certs:auto:enable']);
  assert.equal(enabled.stdout, 'Enabling Automatic Certificate Management for cli-acm-app... done\n');
  assert.equal((await berth(['certs:auto:refresh'])).stdout, 'Refreshing automatic certificates for cli-acm-app... done\n');
  assert.equal((await api.store.acmeCertificates.find('nowhere.cli-acm.example'))?.status, 'pending');
  assert.equal(kicks, before + 3);
});
