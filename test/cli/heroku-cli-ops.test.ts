import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { describeResult, flat, runHeroku, type HerokuCliOptions } from '../support/heroku-cli.js';
import { deploy } from '../api/deploy-helpers.js';
import { expectJson, jsonBody } from '../api/helpers.js';

/**
 * The official `heroku` CLI's day-to-day commands beyond the spine's push/config/ps/logs, against
 * the real API handler: custom domains, SNI certificates, log drains, labs, regions, stacks,
 * whoami and auth:token, buildpacks through Berth's buildpack registry, resizing a process type
 * and pointing a domain at a certificate. Each asserts on what the CLI printed and on Berth's state.
 */

const run = promisify(execFile);
const api = useApi();
const dev = api.user('heroku-ops@example.test');
const APP = `hk-ops-${process.pid.toString(36)}`;
const DOMAIN = 'www.ops-shop.test';
let home: string;

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-ops-'));
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(home, 'key.pem'), '-out', join(home, 'cert.pem'), '-days', '30', '-subj', `/CN=${DOMAIN}`, '-addext', `subjectAltName=DNS:${DOMAIN}`], { timeout: 30_000 });
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

const cli = (): HerokuCliOptions => {
  const apiUrl = api.url.replace('127.0.0.1', 'localhost');
  return { apiUrl, home, apiKey: dev.key, env: { HEROKU_BUILDPACK_REGISTRY_URL: `${apiUrl}/buildpack-registry` } };
};
const ok = async (args: string[]) => {
  const result = await runHeroku(cli(), args);
  assert.equal(result.code, 0, `heroku ${args.join(' ')}: ${describeResult(result)}`);
  return { out: result.stdout, all: flat(result.stdout + result.stderr) };
};
const state = async <T>(path: string) => expectJson<T>(await api.request(path, { key: dev.key }), 200);

describe('the official heroku CLI: domains, certificates, drains, labs and more', () => {
  before(async () => {
    await expectJson(await api.request('/apps', { method: 'POST', key: dev.key, body: jsonBody({ name: APP }) }), 201);
    await deploy(api, dev.key, APP);
  });

  it('certs:add, certs, certs:info and certs:remove manage an SNI certificate (added before any custom domain, so the CLI asks nothing)', async () => {
    const added = await ok(['certs:add', join(home, 'cert.pem'), join(home, 'key.pem'), '-a', APP]);
    assert.match(added.all, new RegExp(`Common Name\\(s\\): ${DOMAIN.replace(/\./g, '\\.')}`));
    assert.match(added.all, /Adding SSL certificate to .* done/);
    const [endpoint] = await state<Array<{ name: string }>>(`/apps/${APP}/sni-endpoints`);
    assert.ok(endpoint);
    assert.match((await ok(['certs', '-a', APP])).out, new RegExp(`${endpoint.name}\\s+${DOMAIN.replace(/\./g, '\\.')}`));
    assert.match((await ok(['certs:info', '-a', APP])).all, /SSL certificate is self signed/);
    assert.match((await ok(['certs:remove', '-a', APP, '--confirm', APP])).all, new RegExp(`Removing SSL certificate ${endpoint.name} from ${APP}\\.\\.\\. done`));
    assert.deepEqual(await state(`/apps/${APP}/sni-endpoints`), []);
  });

  it('domains:add, domains, domains:info and domains:remove manage a custom domain', async () => {
    assert.match((await ok(['domains:add', DOMAIN, '-a', APP])).all, new RegExp(`Adding ${DOMAIN} to ${APP}\\.\\.\\. done`));
    assert.match((await ok(['domains', '-a', APP])).out, new RegExp(`${APP} Custom Domains[\\s\\S]*${DOMAIN.replace(/\./g, '\\.')}`));
    assert.match((await ok(['domains:info', DOMAIN, '-a', APP])).all, new RegExp(`hostname: ${DOMAIN.replace(/\./g, '\\.')}`));
    const domains = await state<Array<{ hostname: string; kind: string }>>(`/apps/${APP}/domains`);
    assert.ok(domains.some((d) => d.hostname === DOMAIN && d.kind === 'custom'));
    assert.match((await ok(['domains:remove', DOMAIN, '-a', APP])).all, /done/);
    assert.ok(!(await state<Array<{ hostname: string }>>(`/apps/${APP}/domains`)).some((d) => d.hostname === DOMAIN));
  });

  it('drains:add, drains and drains:remove manage a log drain', async () => {
    const url = 'syslog+tls://logs.ops-shop.test:6514';
    assert.match((await ok(['drains:add', url, '-a', APP])).all, new RegExp(`Successfully added drain ${url.replace(/[.+]/g, '\\$&')}`));
    const [drain] = await state<Array<{ url: string; token: string }>>(`/apps/${APP}/log-drains`);
    assert.equal(drain?.url, url);
    assert.match((await ok(['drains', '-a', APP])).out, new RegExp(`${url.replace(/[.+]/g, '\\$&')} \\(${drain?.token}\\)`));
    assert.match((await ok(['drains:remove', url, '-a', APP])).all, /Successfully removed drain/);
    assert.deepEqual(await state(`/apps/${APP}/log-drains`), []);
  });

  it('labs, labs:enable, labs:info and features show and change app features', async () => {
    assert.match((await ok(['labs', '-a', APP])).out, /\[ \] log-runtime-metrics/);
    assert.match((await ok(['labs:enable', 'log-runtime-metrics', '-a', APP])).all, new RegExp(`Enabling log-runtime-metrics for ${APP}\\.\\.\\. done`));
    assert.match((await ok(['labs:info', 'log-runtime-metrics', '-a', APP])).all, /Enabled: true/);
    assert.match((await ok(['labs', '-a', APP])).out, /\[\+\] log-runtime-metrics/);
    const feature = await state<{ enabled: boolean }>(`/apps/${APP}/features/log-runtime-metrics`);
    assert.equal(feature.enabled, true);
    assert.match((await ok(['features', '-a', APP])).out, new RegExp(`App Features ${APP}`));
    assert.match((await ok(['labs:disable', 'log-runtime-metrics', '-a', APP])).all, new RegExp(`Disabling log-runtime-metrics for ${APP}\\.\\.\\. done`));
    assert.equal((await state<{ enabled: boolean }>(`/apps/${APP}/features/log-runtime-metrics`)).enabled, false);
  });

  it('features:enable, features:info and features:disable change an app feature the same way', async () => {
    assert.match((await ok(['features:enable', 'log-runtime-metrics', '-a', APP])).all, new RegExp(`Enabling log-runtime-metrics for ${APP}\\.\\.\\. done`));
    assert.match((await ok(['features:info', 'log-runtime-metrics', '-a', APP])).all, /Enabled: true/);
    assert.match((await ok(['features:disable', 'log-runtime-metrics', '-a', APP])).all, new RegExp(`Disabling log-runtime-metrics for ${APP}\\.\\.\\. done`));
    assert.equal((await state<{ enabled: boolean }>(`/apps/${APP}/features/log-runtime-metrics`)).enabled, false);
  });

  it('regions, apps:stacks, whoami and auth:token describe the install and the caller', async () => {
    assert.match((await ok(['regions'])).out, /local\s+This Berth installation/);
    assert.match((await ok(['apps:stacks', '-a', APP])).out, /\* berth-24/);
    // Heroku's stack name maps to berth-24 (the API says so in a Warning-Message).
    const set = await ok(['stack:set', 'heroku-24', '-a', APP]);
    assert.match(set.all, /heroku-24 is Heroku's; this Berth builds and runs it on berth-24/);
    assert.match((await ok(['apps:stacks', '-a', APP])).out, /\* berth-24/);
    assert.equal((await ok(['whoami'])).out.trim(), 'heroku-ops@example.test');
    assert.equal((await ok(['auth:token'])).out.trim(), dev.key);
  });

  it('buildpacks:add resolves heroku/nodejs through Berth\'s registry, buildpacks:clear removes it', async () => {
    assert.match((await ok(['buildpacks:add', 'heroku/nodejs', '-a', APP])).all, /Buildpack added/);
    const installed = await state<Array<{ buildpack: { url: string; name: string } }>>(`/apps/${APP}/buildpack-installations`);
    assert.equal(installed.length, 1);
    assert.match(installed[0]?.buildpack.name ?? '', /nodejs/);
    assert.match((await ok(['buildpacks:clear', '-a', APP])).all, /Buildpacks cleared/);
    assert.deepEqual(await state(`/apps/${APP}/buildpack-installations`), []);
  });

  it('ps:resize changes a process type\'s dyno size', async () => {
    assert.match((await ok(['ps:resize', 'web=standard-2x', '-a', APP])).all, /web\s+Standard-2X/i);
    const web = await state<{ size: string }>(`/apps/${APP}/formation/web`);
    assert.equal(web.size, 'Standard-2X');
  });

  it('domains:update points a custom domain at an uploaded certificate', async () => {
    const [certificate_chain, private_key] = await Promise.all([readFile(join(home, 'cert.pem'), 'utf8'), readFile(join(home, 'key.pem'), 'utf8')]);
    const endpoint = await expectJson<{ id: string; name: string }>(await api.request(`/apps/${APP}/sni-endpoints`, { method: 'POST', key: dev.key, body: jsonBody({ certificate_chain, private_key }) }), 201);
    await expectJson(await api.request(`/apps/${APP}/domains`, { method: 'POST', key: dev.key, body: jsonBody({ hostname: DOMAIN, sni_endpoint: null }) }), 201);
    assert.equal((await state<{ sni_endpoint: unknown }>(`/apps/${APP}/domains/${DOMAIN}`)).sni_endpoint, null);
    const updated = await ok(['domains:update', DOMAIN, '--cert', endpoint.name, '-a', APP]);
    assert.match(updated.all, new RegExp(`Updating ${DOMAIN.replace(/\./g, '\\.')} to use ${endpoint.name} certificate\\.\\.\\. done`));
    assert.deepEqual((await state<{ sni_endpoint: unknown }>(`/apps/${APP}/domains/${DOMAIN}`)).sni_endpoint, { id: endpoint.id, name: endpoint.name });
  });

  it('domains:update with a certificate the app does not have fails and leaves the domain as it was', async () => {
    const before = (await state<{ sni_endpoint: unknown }>(`/apps/${APP}/domains/${DOMAIN}`)).sni_endpoint;
    const refused = await runHeroku(cli(), ['domains:update', DOMAIN, '--cert', 'no-such-cert', '-a', APP]);
    assert.notEqual(refused.code, 0, describeResult(refused));
    assert.match(flat(refused.stderr), /no-such-cert/);
    assert.deepEqual((await state<{ sni_endpoint: unknown }>(`/apps/${APP}/domains/${DOMAIN}`)).sni_endpoint, before);
  });

  it('domains:wait returns once the domain is set up, and domains:clear removes every custom domain', async () => {
    await expectJson(await api.request(`/apps/${APP}/domains`, { method: 'POST', key: dev.key, body: jsonBody({ hostname: 'api.ops-shop.test', sni_endpoint: null }) }), 201);
    assert.match((await ok(['domains:wait', 'api.ops-shop.test', '-a', APP])).all, /Waiting for api\.ops-shop\.test\.\.\. done/);
    assert.match((await ok(['domains:clear', '-a', APP])).all, new RegExp(`Removing all domains from ${APP}\\.\\.\\. done`));
    const left = await state<Array<{ kind: string }>>(`/apps/${APP}/domains`);
    assert.deepEqual(left.map((d) => d.kind), ['heroku'], 'only the default domain stays');
  });
});
