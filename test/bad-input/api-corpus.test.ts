// The bad-input corpus, API part: hostile requests a tenant can send, each answered with a clear
// error (its status, its id, a message naming the rule) while nothing else changes — the app's
// config, releases, formation, drains, domains and the account's apps are compared before and
// after every case. A regression suite: add a row for every new attack.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspectArchive, UnsafeArchiveError } from '../../src/builder/inspect-archive.js';
import { SLUG_RULES } from '../../src/builder/slug.js';
import { deploy, newApp } from '../api/deploy-helpers.js';
import { expectError, expectJson, jsonBody, rawRequest } from '../api/helpers.js';
import { tgz } from '../builder/tar-craft.js';

interface Case {
  name: string;
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path under /apps/APP, or absolute when it starts with `!`. */
  path: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  status: number;
  id: string;
  message?: RegExp;
}

const long = (n: number) => 'x'.repeat(n);

const CASES: Case[] = [
  // Bodies and media types
  { name: 'a body that is not JSON', method: 'PATCH', path: '/config-vars', rawBody: '{"A":', status: 400, id: 'bad_request', message: /not valid JSON/ },
  { name: 'a JSON array body', method: 'PATCH', path: '/config-vars', rawBody: '["A"]', status: 400, id: 'bad_request', message: /JSON object/ },
  { name: 'a JSON body sent as text/plain (a cross-site form)', method: 'PATCH', path: '/config-vars', rawBody: '{"A":"1"}', headers: { 'content-type': 'text/plain' }, status: 415, id: 'unsupported_media_type' },
  { name: 'a urlencoded form body', method: 'PATCH', path: '/config-vars', rawBody: 'A=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, id: 'unsupported_media_type' },
  { name: 'a body over the size limit', method: 'PATCH', path: '/config-vars', body: { A: long(70 * 1024) }, status: 413, id: 'payload_too_large' },
  // Config vars
  { name: 'a config var name with "="', method: 'PATCH', path: '/config-vars', body: { 'A=B': '1' }, status: 422, id: 'invalid_params', message: /letter or underscore/ },
  { name: 'a config var name starting with a digit', method: 'PATCH', path: '/config-vars', body: { '1A': '1' }, status: 422, id: 'invalid_params' },
  { name: "the launcher's reserved __BERTH_UID", method: 'PATCH', path: '/config-vars', body: { __BERTH_UID: '0' }, status: 422, id: 'invalid_params', message: /reserved/ },
  { name: 'a NUL in a config value', method: 'PATCH', path: '/config-vars', body: { A: 'a\u0000b' }, status: 422, id: 'invalid_params', message: /NUL/ },
  { name: 'a lone surrogate in a config value', method: 'PATCH', path: '/config-vars', body: { A: 'x\uDC00' }, status: 422, id: 'invalid_params', message: /UTF-8/ },
  { name: 'a number as a config value', method: 'PATCH', path: '/config-vars', body: { A: 1 }, status: 422, id: 'invalid_params' },
  { name: 'config vars over 32 KB in all', method: 'PATCH', path: '/config-vars', body: { A: long(20_000), B: long(20_000) }, status: 422, id: 'invalid_params', message: /32 KB/ },
  { name: 'a config var named __proto__ set to an object', method: 'PATCH', path: '/config-vars', body: JSON.parse('{"__proto__": {"polluted": "yes"}}'), status: 422, id: 'invalid_params' },
  // Formation
  { name: 'a negative quantity', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'web', quantity: -1 }] }, status: 422, id: 'invalid_params' },
  { name: 'a quantity of 101', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'web', quantity: 101 }] }, status: 422, id: 'invalid_params' },
  { name: 'a quantity that is not a number', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'web', quantity: 'lots' }] }, status: 422, id: 'invalid_params' },
  { name: 'an unknown dyno size', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'web', size: 'huge-9x' }] }, status: 422, id: 'invalid_params' },
  { name: 'a process type with a path in it', method: 'PATCH', path: '/formation', body: { updates: [{ type: '../../etc', quantity: 1 }] }, status: 422, id: 'invalid_params' },
  { name: 'a process type the release lacks', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'clock', quantity: 1 }] }, status: 422, id: 'invalid_params' },
  { name: 'a performance-l dyno over the default quota', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'web', quantity: 1, size: 'performance-l' }] }, status: 403, id: 'quota_exceeded' },
  { name: '11 dynos of a type over the default quota', method: 'PATCH', path: '/formation', body: { updates: [{ type: 'web', quantity: 11 }] }, status: 403, id: 'quota_exceeded' },
  { name: '101 formation updates at once', method: 'PATCH', path: '/formation', body: { updates: Array.from({ length: 101 }, () => ({ type: 'web', quantity: 1 })) }, status: 422, id: 'invalid_params' },
  // Releases
  { name: 'a release description with an OSC sequence', method: 'POST', path: '/releases', body: { slug: '01234567-89ab-4def-8123-456789abcdef', description: '\u001b]0;owned\u0007' }, status: 422, id: 'invalid_params', message: /control characters/ },
  { name: 'a release description forging an app[api] line', method: 'POST', path: '/releases', body: { slug: '01234567-89ab-4def-8123-456789abcdef', description: 'x\nRelease v99 created by user admin' }, status: 422, id: 'invalid_params' },
  { name: 'a rollback to a release that does not exist', method: 'POST', path: '/releases', body: { release: 999 }, status: 404, id: 'not_found' },
  { name: 'a release of a slug id that is not a uuid', method: 'POST', path: '/releases', body: { slug: "'; drop table apps; --" }, status: 404, id: 'not_found' },
  { name: 'a release naming both a slug and a rollback', method: 'POST', path: '/releases', body: { slug: '01234567-89ab-4def-8123-456789abcdef', release: 1 }, status: 422, id: 'invalid_params' },
  // Builds
  { name: 'a build from a file:// URL', method: 'POST', path: '/builds', body: { source_blob: { url: 'file:///etc/passwd' } }, status: 422, id: 'invalid_params' },
  { name: 'a build from an ftp:// URL', method: 'POST', path: '/builds', body: { source_blob: { url: 'ftp://example.test/app.tgz' } }, status: 422, id: 'invalid_params' },
  { name: 'a build version with a newline', method: 'POST', path: '/builds', body: { source_blob: { url: 'https://example.test/s.tgz', version: 'v1\nforged' } }, status: 422, id: 'invalid_params' },
  { name: 'a build without a source', method: 'POST', path: '/builds', body: {}, status: 422, id: 'invalid_params' },
  // Slugs
  { name: 'a slug with a process type command holding NUL', method: 'POST', path: '/slugs', body: { process_types: { web: 'node\u0000x' } }, status: 422, id: 'invalid_params' },
  { name: 'a slug commit description with an escape sequence', method: 'POST', path: '/slugs', body: { process_types: { web: 'x' }, commit_description: 'ok\u001b[2J' }, status: 422, id: 'invalid_params' },
  { name: 'a slug checksum that is not SHA256', method: 'POST', path: '/slugs', body: { process_types: { web: 'x' }, checksum: 'MD5:abc' }, status: 422, id: 'invalid_params' },
  // Log drains
  { name: 'a UDP syslog drain', method: 'POST', path: '/log-drains', body: { url: 'syslog+udp://logs.example.test:514' }, status: 422, id: 'invalid_params', message: /UDP/ },
  { name: 'a drain URL with an escape sequence', method: 'POST', path: '/log-drains', body: { url: 'https://logs.example.test/\u001b]8;;x' }, status: 422, id: 'invalid_params' },
  { name: 'a syslog drain without a port', method: 'POST', path: '/log-drains', body: { url: 'syslog://logs.example.test' }, status: 422, id: 'invalid_params' },
  { name: 'a drain URL with a space', method: 'POST', path: '/log-drains', body: { url: 'https://logs.example.test/a b' }, status: 422, id: 'invalid_params' },
  { name: 'a drain URL of 3000 characters', method: 'POST', path: '/log-drains', body: { url: `https://logs.example.test/${long(3000)}` }, status: 422, id: 'invalid_params' },
  { name: 'a javascript: drain URL', method: 'POST', path: '/log-drains', body: { url: 'javascript:alert(1)' }, status: 422, id: 'invalid_params' },
  // App webhooks
  { name: 'a file: webhook URL', method: 'POST', path: '/webhooks', body: { url: 'file:///etc/shadow', include: ['dyno'], level: 'notify' }, status: 422, id: 'invalid_params', message: /http:\/\/ or https:\/\// },
  { name: 'a gopher: webhook URL', method: 'POST', path: '/webhooks', body: { url: 'gopher://127.0.0.1:6379/_FLUSHALL', include: ['dyno'], level: 'notify' }, status: 422, id: 'invalid_params' },
  { name: 'a webhook authorization header with CRLF (header injection)', method: 'POST', path: '/webhooks', body: { url: 'https://hooks.example.test/', include: ['dyno'], level: 'sync', authorization: 'x\r\nX-Evil: 1' }, status: 422, id: 'invalid_params' },
  { name: 'a webhook including every entity by wildcard', method: 'POST', path: '/webhooks', body: { url: 'https://hooks.example.test/', include: ['*'], level: 'sync' }, status: 422, id: 'invalid_params', message: /Unknown webhook entity/ },
  { name: 'a webhook with a 3000-character URL', method: 'POST', path: '/webhooks', body: { url: `https://hooks.example.test/${long(3000)}`, include: ['dyno'], level: 'sync' }, status: 422, id: 'invalid_params' },
  { name: 'a webhook deliveries filter by an unknown status', method: 'GET', path: '/webhook-deliveries?eq[status]=everything', status: 422, id: 'invalid_params' },
  // Domains
  { name: 'a domain with two wildcards', method: 'POST', path: '/domains', body: { hostname: '*.*.example.test' }, status: 422, id: 'invalid_params' },
  { name: 'a domain with an empty label', method: 'POST', path: '/domains', body: { hostname: 'a..example.test' }, status: 422, id: 'invalid_params' },
  { name: 'a domain of 300 characters', method: 'POST', path: '/domains', body: { hostname: `${long(290)}.example.test` }, status: 422, id: 'invalid_params' },
  { name: 'an IP address as a domain', method: 'POST', path: '/domains', body: { hostname: '10.0.0.1' }, status: 422, id: 'invalid_params' },
  // One-off dynos
  { name: 'a one-off dyno without a command', method: 'POST', path: '/dynos', body: { command: '' }, status: 422, id: 'invalid_params' },
  { name: 'a one-off dyno env name with a space', method: 'POST', path: '/dynos', body: { command: 'env', env: { 'A B': '1' } }, status: 422, id: 'invalid_params' },
  { name: 'a one-off dyno time_to_live of 0', method: 'POST', path: '/dynos', body: { command: 'env', time_to_live: 0 }, status: 422, id: 'invalid_params' },
  { name: 'a one-off dyno of size performance-l over the quota', method: 'POST', path: '/dynos', body: { command: 'env', size: 'performance-l' }, status: 403, id: 'quota_exceeded' },
  // Add-ons
  { name: 'an unknown add-on service', method: 'POST', path: '/addons', body: { plan: 'heroku-mongodb:free' }, status: 422, id: 'invalid_params' },
  { name: 'an unknown add-on plan', method: 'POST', path: '/addons', body: { plan: 'heroku-postgresql:gigantic-9' }, status: 422, id: 'invalid_params' },
  { name: 'an add-on attachment name that is not a config var prefix', method: 'POST', path: '/addons', body: { plan: 'heroku-redis:mini', attachment: { name: '1-bad name' } }, status: 422, id: 'invalid_params' },
  // Ranges
  { name: 'a Range with a negative max', path: '/releases', headers: { range: 'version ..; max=-1' }, status: 400, id: 'bad_request' },
  { name: 'a Range on a field that is not sortable', path: '/releases', headers: { range: 'secret ..' }, status: 400, id: 'bad_request' },
  { name: 'a Range on releases with a version that is not a number', path: '/releases', headers: { range: 'version abc..' }, status: 400, id: 'bad_request' },
  // SSH keys (git over SSH)
  { name: 'an SSH key that is not base64', method: 'POST', path: '!/account/keys', body: { public_key: 'ssh-ed25519 !!!! me@host' }, status: 422, id: 'invalid_params', message: /malformed/ },
  { name: 'an SSH private key', method: 'POST', path: '!/account/keys', body: { public_key: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----' }, status: 422, id: 'invalid_params', message: /private key/ },
  { name: 'an SSH key with authorized_keys options before it', method: 'POST', path: '!/account/keys', body: { public_key: 'command="/bin/sh",no-pty ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEiUREzm9V2P1yYJPHPnHLCUXF438GLSzD7emgptCDVp' }, status: 422, id: 'invalid_params', message: /not a key type/ },
  { name: 'an SSH key with a second line smuggled in', method: 'POST', path: '!/account/keys', body: { public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEiUREzm9V2P1yYJPHPnHLCUXF438GLSzD7emgptCDVp a\nssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEiUREzm9V2P1yYJPHPnHLCUXF438GLSzD7emgptCDVp b' }, status: 422, id: 'invalid_params', message: /one line/ },
  { name: 'an SSH key whose comment holds an escape sequence', method: 'POST', path: '!/account/keys', body: { public_key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEiUREzm9V2P1yYJPHPnHLCUXF438GLSzD7emgptCDVp \u001b]0;owned\u0007' }, status: 422, id: 'invalid_params', message: /control characters/ },
  { name: 'an SSH key as a number', method: 'POST', path: '!/account/keys', body: { public_key: 42 }, status: 422, id: 'invalid_params' },
  { name: "deleting an SSH key id that is not the account's", method: 'DELETE', path: '!/account/keys/01234567-89ab-4def-8123-456789abcdef', status: 404, id: 'not_found' },
  // Targets, methods, auth
  { name: 'a path with a broken percent-escape', path: '!/apps/%zz', status: 404, id: 'not_found' },
  { name: 'a method the resource does not have', method: 'PUT', path: '/config-vars', body: {}, status: 404, id: 'not_found' },
  { name: 'another account\'s quota', path: '!/accounts/admin@example.test/quota', status: 403, id: 'forbidden' },
  { name: 'creating an account without being an admin', method: 'POST', path: '!/accounts', body: { email: 'mallory@example.test', admin: true }, status: 403, id: 'forbidden' },
  { name: 'a key in a Bearer header that does not exist', path: '!/account', headers: { authorization: 'Bearer berth_0000' }, status: 401, id: 'unauthorized' },
  { name: 'Basic auth without a colon', path: '!/account', headers: { authorization: `Basic ${Buffer.from('nocolon').toString('base64')}` }, status: 401, id: 'unauthorized' },
  { name: 'an Accept header of another API version', path: '!/account', headers: { accept: 'application/vnd.heroku+json; version=2' }, status: 406, id: 'not_acceptable' },
  // Pipelines
  { name: 'a pipeline name with upper case and a space', method: 'POST', path: '!/pipelines', body: { name: 'My Shop' }, status: 422, id: 'invalid_params', message: /lower-case letter/ },
  { name: 'a pipeline owned by a team', method: 'POST', path: '!/pipelines', body: { name: 'teamshop', owner: { type: 'team', id: '00000000-0000-4000-8000-000000000000' } }, status: 422, id: 'invalid_params', message: /team-owned/ },
  { name: 'a coupling at an unknown stage', method: 'POST', path: '!/pipeline-couplings', body: { app: 'x', pipeline: 'y', stage: 'qa' }, status: 422, id: 'invalid_params', message: /stage must be one of/ },
  { name: 'a promotion whose pipeline is a number', method: 'POST', path: '!/pipeline-promotions', body: { pipeline: 7, source: { app: { id: 'x' } }, targets: [] }, status: 422, id: 'invalid_params', message: /id or name/ },
  { name: 'a promotion id that is not a uuid', path: '!/pipeline-promotions/..%2F..%2Fetc', status: 404, id: 'not_found' },
  { name: 'an app filter that is not a list of ids', method: 'POST', path: '!/filters/apps', body: { in: { id: 'all' } }, status: 422, id: 'invalid_params' },
  { name: 'a pipeline diff of an app in no pipeline', path: '/pipeline-diff', status: 404, id: 'not_found', message: /not in a pipeline/ },
];

let api: ApiHarness;
let key: string;
let app: string;
before(async () => {
  api = await startApi();
  key = (await api.createUser('corpus@example.test')).key;
  app = (await newApp(api, key, 'corpus')).name;
  await deploy(api, key, app, { processTypes: { web: 'node server.js', worker: 'node worker.js' } });
  await expectJson(await api.request(`/apps/${app}/config-vars`, { key, method: 'PATCH', body: jsonBody({ KEEP: 'me' }) }), 200);
});
after(async () => {
  await api.close();
});

/** Everything a hostile request must leave as it was. */
async function snapshot(): Promise<unknown> {
  const get = async (path: string) => {
    const res = await api.request(path, { key });
    assert.ok(res.status === 200 || res.status === 206, `${path}: ${res.status}`);
    return res.json();
  };
  const strip = (list: unknown) => (list as Array<Record<string, unknown>>).map(({ updated_at: _u, ...rest }) => rest);
  return {
    apps: strip(await get('/apps')),
    config: await get(`/apps/${app}/config-vars`),
    releases: await get(`/apps/${app}/releases`),
    formation: strip(await get(`/apps/${app}/formation`)),
    drains: await get(`/apps/${app}/log-drains`),
    webhooks: await get(`/apps/${app}/webhooks`),
    domains: await get(`/apps/${app}/domains`),
    addons: await get(`/apps/${app}/addons`),
    builds: await get(`/apps/${app}/builds`),
    keys: await get('/account/keys'),
    slugs: (await api.store.slugs.blobKeysForApp((await api.store.apps.findByName(app))!.id)).length,
  };
}

describe('hostile API requests', () => {
  it(`has at least 60 API cases (${CASES.length})`, () => assert.ok(CASES.length >= 60));

  for (const c of CASES) {
    it(`answers ${c.name} with ${c.status} ${c.id} and changes nothing`, async () => {
      const before = await snapshot();
      const path = c.path.startsWith('!') ? c.path.slice(1) : `/apps/${app}${c.path}`;
      const headers: Record<string, string> = { ...c.headers };
      let body: string | undefined = c.rawBody;
      if (body === undefined && c.body !== undefined) body = jsonBody(c.body);
      if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
      // A case with its own Authorization header is sent without the tenant's key.
      const auth = headers.authorization === undefined ? { key } : {};
      const res = await api.request(path, { ...auth, method: c.method ?? 'GET', headers, ...(body !== undefined ? { body } : {}) });
      const error = await expectError(res, c.status, c.id);
      if (c.message) assert.match(error.message, c.message);
      assert.deepEqual(await snapshot(), before);
    });
  }
});

describe('hostile slug tarballs', () => {
  // The real inspector every slug passes before it is unpacked (src/builder/inspect-archive.ts).
  const TARBALLS: Array<{ name: string; data: () => Buffer; message: RegExp }> = [
    { name: 'an absolute path', data: () => tgz([{ name: '/etc/cron.d/x', content: 'x' }]), message: /absolute path/ },
    { name: 'a ".." entry', data: () => tgz([{ name: 'app/../../x', content: 'x' }]), message: /contains "\.\."/ },
    { name: 'a symlink escaping /app', data: () => tgz([{ name: 'app/', type: 'dir' }, { name: 'app/evil', type: 'symlink', linkname: '../../etc/shadow' }]), message: /link/ },
    { name: 'a device node', data: () => tgz([{ name: 'app/', type: 'dir' }, { name: 'app/dev', type: 'chardev' }]), message: /Only files, directories and links/ },
    { name: 'a fifo', data: () => tgz([{ name: 'app/', type: 'dir' }, { name: 'app/pipe', type: 'fifo' }]), message: /Only files, directories and links/ },
    { name: 'bytes that are not gzip', data: () => Buffer.from('not a tarball at all'), message: /not a valid gzip/ },
    { name: 'a gzip bomb', data: () => tgz([{ name: 'app/zeros', content: Buffer.alloc(140 * 1024 * 1024) }]), message: /gzip bomb/ },
  ];
  for (const t of TARBALLS) {
    it(`refuses a slug with ${t.name}, naming the problem`, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'berth-corpus-'));
      try {
        const file = join(dir, 'slug.tgz');
        await writeFile(file, t.data());
        await assert.rejects(inspectArchive(file, SLUG_RULES), (err: Error) => err instanceof UnsafeArchiveError && t.message.test(err.message));
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

describe('hostile raw requests', () => {
  it('answers a request target that is not a path with 400 and keeps serving', async () => {
    const res = await rawRequest(api.url, '//[', { headers: { accept: 'application/vnd.heroku+json; version=3' } });
    assert.equal(res.status, 400);
    await expectJson(await api.request('/account', { key }), 200);
  });
});
