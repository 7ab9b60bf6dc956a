import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../../src/cli/main.js';
import { banner } from '../../src/main/banner.js';
import { useApi } from '../support/api-harness.js';
import { describeResult, runHeroku } from '../support/heroku-cli.js';
import { captureIo } from './capture-io.js';

/**
 * `berth heroku-env` and the banner print every variable that keeps the official CLI (and the
 * API key it sends everywhere) off Heroku's hosts; the CLI then works against Berth with them.
 */

const api = useApi();
const dev = api.user('heroku-env@example.test');
const APP = `hk-env-${process.pid.toString(36)}`;
let home: string;

/** Every variable, with what it must be for a Berth whose API is at `apiUrl`. */
const expected = (apiUrl: string, gitHost: string, key: string) => ({
  HEROKU_HOST: apiUrl,
  HEROKU_API_KEY: key,
  HEROKU_GIT_HOST: gitHost,
  HEROKU_PARTICLEBOARD_URL: apiUrl,
  HEROKU_DATA_HOST: new URL(apiUrl).hostname,
  HEROKU_REDIS_HOST: new URL(apiUrl).hostname,
  HEROKU_BUILDPACK_REGISTRY_URL: `${apiUrl}/buildpack-registry`,
  HEROKU_LOGIN_HOST: apiUrl,
  PGDIAGNOSE_URL: new URL(apiUrl).hostname,
  HEROKU_EXEC_URL: `${apiUrl}/`,
  DISABLE_TELEMETRY: 'true',
  HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
  HEROKU_DISABLE_AUTOUPDATE: 'true',
  PGSSLMODE: 'prefer',
});

/** What a shell has after `eval "$(berth heroku-env)"`: bash evaluates the lines, env prints. */
async function evaluated(script: string): Promise<Record<string, string>> {
  const { stdout } = await promisify(execFile)('bash', ['-c', 'eval "$1"; env -0', 'bash', script], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, timeout: 10_000 });
  return Object.fromEntries(stdout.split('\0').filter((e) => e.includes('=')).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));
}

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'berth-heroku-env-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('berth heroku-env', () => {
  it('prints exports of every variable, with the API, git host and key in use', async () => {
    const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: dev.key, HOME: home }, cwd: home });
    assert.equal(await runCli(['heroku-env'], captured.io), 0, captured.stderr());
    const vars = await evaluated(captured.stdout());
    const want = expected(api.url, 'git.example.test:5443', dev.key);
    for (const [name, value] of Object.entries(want)) assert.equal(vars[name], value, `${name} in:\n${captured.stdout()}`);
    assert.ok(captured.stdout().split('\n').filter((l) => l !== '').every((l) => l.startsWith('export ')), captured.stdout());
  });

  it('gives the official CLI what it needs: buildpacks:set heroku/nodejs resolves through Berth', async () => {
    assert.equal((await api.request('/apps', { method: 'POST', key: dev.key, body: JSON.stringify({ name: APP }) })).status, 201);
    const captured = captureIo({ env: { BERTH_API_URL: api.url, BERTH_API_KEY: dev.key, HOME: home }, cwd: home });
    assert.equal(await runCli(['heroku-env'], captured.io), 0, captured.stderr());
    const all = await evaluated(captured.stdout());
    const env = Object.fromEntries(Object.keys(expected('http://x', 'x', 'x')).map((name) => [name, all[name] as string]));
    const set = await runHeroku({ apiUrl: api.url, home, env }, ['buildpacks:set', 'heroku/nodejs', '-a', APP]);
    assert.equal(set.code, 0, describeResult(set));
    const installed = (await (await api.request(`/apps/${APP}/buildpack-installations`, { key: dev.key })).json()) as Array<{ buildpack: { name: string } }>;
    assert.deepEqual(installed.map((i) => i.buildpack.name), ['heroku/nodejs']);
  });

  it('without a key says how to log in', async () => {
    const captured = captureIo({ env: { BERTH_API_URL: api.url, HOME: home }, cwd: home });
    assert.equal(await runCli(['heroku-env'], captured.io), 1);
    assert.match(captured.stderr(), /Not logged in to .*\nRun `berth login`, or set BERTH_API_KEY\./);
  });
});

describe('the banner of bin/berth up', () => {
  it('exports the same variables, with the admin key read from its file', async () => {
    const text = banner({ dataDir: '/srv/berth', state: 'SQLite', apiUrl: 'http://localhost:5000', apiTlsUrl: 'https://localhost:5443', dashboardUrl: 'http://localhost:5000/', gitHost: 'localhost:5443', routerUrl: 'http://<app>.localhost:8080', adminKeyPath: '/srv/berth/admin.key', caCertPath: '/srv/berth/tls/ca.crt' });
    const exports = text.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('export HEROKU_') || l.startsWith('export DISABLE_') || /^export \S+ HEROKU_/.test(l)).join('\n');
    const vars = await evaluated(exports.replace('$(cat /srv/berth/admin.key)', 'ADMIN_KEY'));
    for (const [name, value] of Object.entries(expected('http://localhost:5000', 'localhost:5443', 'ADMIN_KEY'))) assert.equal(vars[name], value, `${name} in:\n${text}`);
  });

  it('prints the dashboard URL first', () => {
    const text = banner({ dataDir: '/d', state: 'SQLite', apiUrl: 'http://localhost:5000', apiTlsUrl: 'https://localhost:5443', dashboardUrl: 'http://localhost:5000/', gitHost: 'localhost:5443', routerUrl: 'http://<app>.localhost:8080', adminKeyPath: '/d/admin.key', caCertPath: '/d/ca.crt' });
    const first = text.split('\n').find((line) => line.startsWith('  '));
    assert.match(first ?? '', /^ {2}dashboard {2}http:\/\/localhost:5000\/ /);
  });
});
