import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppPolicy } from '../../src/accounts/app-policy.js';
import { createInternalApi } from '../../src/api/internal-api.js';
import { RouteMatcher } from '../../src/api/route-matcher.js';
import { apiRoutes } from '../../src/api/server.js';
import type { AppSetupJson as SetupJson } from '../../src/cli/api-types.js';
import { useApi } from '../support/api-harness.js';
import { waitFor } from '../support/wait.js';
import { putBlob, tarball, uploadSlug } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, uniqueName, UUID } from './helpers.js';


const api = useApi();
const dev = api.user('setup-dev@example.com');
const other = api.user('setup-other@example.com');

const PROCFILE = 'web: node server.js\nworker: node work.js\n';

/** Uploads a tarball of `files` (GitHub-style: inside one top-level directory) and returns its get_url. */
async function source(files: Record<string, string>): Promise<string> {
  const created = await expectJson<{ source_blob: { get_url: string; put_url: string } }>(await api.request('/sources', { key: dev.key, method: 'POST' }), 201);
  const nested = Object.fromEntries(Object.entries(files).map(([path, text]) => [`repo-abc123/${path}`, text]));
  assert.equal((await putBlob(created.source_blob.put_url, await tarball(nested))).status, 200);
  return created.source_blob.get_url;
}

const setUp = async (body: Record<string, unknown>, key = dev.key) => api.request('/app-setups', { key, method: 'POST', body: jsonBody(body) });
const show = async (id: string, key = dev.key) => expectJson<SetupJson>(await api.request(`/app-setups/${id}`, { key }), 200);
const appNamed = (name: string) => api.store.apps.findByName(name);

describe('POST /app-setups', () => {
  it('creates the app with its config, builds, scales the formation and runs postdeploy, then succeeds', async () => {
    const name = uniqueName('setup');
    const manifest = {
      env: { GREETING: 'hello', SECRET_KEY: { generator: 'secret' }, TOKEN: { description: 'an API token' } },
      formation: { web: { quantity: 2, size: 'standard-2x' }, worker: { quantity: 1 } },
      scripts: { postdeploy: 'node seed.js' },
      success_url: '/welcome',
    };
    const url = await source({ 'app.json': JSON.stringify(manifest), Procfile: PROCFILE, 'server.js': '' });
    api.platform.scriptResults.push({ exitCode: 0, output: 'seeded 3 rows\n' });
    const started = await expectJson<SetupJson>(await setUp({ app: { name }, source_blob: { url, version: 'v1.2' }, overrides: { env: { TOKEN: 'tok-1' } } }), 201);
    assert.match(started.id, UUID);
    assert.equal(started.status, 'pending');
    assert.equal(started.app?.name, name);

    const [build] = await waitFor('the setup to start its build', async () => {
      const builds = api.platform.of('startBuild', started.app?.id);
      return builds.length > 0 ? builds : undefined;
    });
    assert.equal(build?.build.sourceBlob.version, 'v1.2');
    assert.equal(build?.source.kind, 'blob', 'the build reads the uploaded tarball itself, not a copy');
    const config = await api.store.configVars.get(started.app?.id as string);
    assert.equal(config.GREETING, 'hello');
    assert.equal(config.TOKEN, 'tok-1');
    assert.match(config.SECRET_KEY ?? '', /^[0-9a-f]{64}$/, 'a generated secret');

    const slug = await uploadSlug(api, dev.key, name, { processTypes: { web: 'node server.js', worker: 'node work.js' } });
    const release = await api.store.releases.create({ appId: started.app?.id as string, slugId: slug.id, description: 'Deploy', user: null });
    await api.store.builds.finish(build?.build.id as string, { status: 'succeeded', slugId: slug.id, releaseId: release.id });

    const done = await waitFor('the setup to end', async () => {
      const now = await show(started.id);
      return now.status === 'pending' ? undefined : now;
    });
    assert.equal(done.failure_message, null);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.postdeploy, { output: 'seeded 3 rows\n', exit_code: 0 });
    assert.equal(done.build?.id, build?.build.id);
    assert.match(done.resolved_success_url ?? '', new RegExp(`^http://${name}\\..*/welcome$`));
    const scripts = api.platform.of('runScript', started.app?.id);
    assert.deepEqual(scripts.map((s) => [s.command, s.type, s.release.id]), [['node seed.js', 'postdeploy', release.id]]);
    const web = await api.store.formations.find(started.app?.id as string, 'web');
    const worker = await api.store.formations.find(started.app?.id as string, 'worker');
    assert.deepEqual([web?.quantity, web?.size, worker?.quantity], [2, 'standard-2x', 1]);
  });

  it('fails with every app.json problem listed by JSON path, and creates nothing', async () => {
    const name = uniqueName('broken');
    const manifest = {
      env: { TOKEN: { generator: 'uuid' }, NEEDED: { description: 'the database password' } },
      formation: { clock: { quantity: 1 } },
      addons: ['no-such-service'],
    };
    const url = await source({ 'app.json': JSON.stringify(manifest), Procfile: PROCFILE });
    const failed = await expectJson<SetupJson>(await setUp({ app: { name }, source_blob: { url } }), 201);
    assert.equal(failed.status, 'failed');
    assert.equal(failed.app, null);
    assert.deepEqual(failed.manifest_errors.map((e) => e.slice(0, e.indexOf(': '))), ['env.TOKEN.generator', 'env.NEEDED', 'addons[0]', 'formation.clock']);
    assert.equal(failed.manifest_errors[0], 'env.TOKEN.generator: "uuid" is not a generator; the only one is "secret".');
    assert.equal(failed.manifest_errors[1], 'env.NEEDED: is required and has no value: give it with overrides.env (berth setup --env NEEDED=…) — the database password.');
    assert.match(failed.manifest_errors[2] ?? '', /no-such-service/);
    assert.equal(failed.manifest_errors[3], 'formation.clock: the Procfile declares no clock process (it has: web, worker).');
    assert.match(failed.failure_message ?? '', /^app\.json has 4 problems:\n  env\.TOKEN\.generator: /);
    assert.equal(await appNamed(name), undefined, 'no app was created');
    assert.equal(api.platform.of('startBuild').filter((b) => b.app.name === name).length, 0, 'nothing was built');
  });

  it('reads app.json at the root of the tarball too, and sets up without one', async () => {
    const created = await expectJson<{ source_blob: { get_url: string; put_url: string } }>(await api.request('/sources', { key: dev.key, method: 'POST' }), 201);
    await putBlob(created.source_blob.put_url, await tarball({ 'app.json': '{"env": {"A": {"generator": "nope"}}}', 'server.js': '' }));
    const rooted = await expectJson<SetupJson>(await setUp({ source_blob: { url: created.source_blob.get_url } }), 201);
    assert.deepEqual(rooted.manifest_errors.map((e) => e.split(':')[0]), ['env.A.generator']);
    const plain = await expectJson<SetupJson>(await setUp({ source_blob: { url: await source({ 'server.js': '' }) } }), 201);
    assert.equal(plain.status, 'pending');
    assert.ok(plain.app?.name, 'a generated app name');
  });

  it('refuses a missing or foreign source, a tarball that is not one, a taken name and bad overrides', async () => {
    await expectError(await setUp({}), 422, 'invalid_params');
    await expectError(await setUp({ source_blob: { url: 'ftp://example.com/x.tgz' } }), 422, 'invalid_params');
    const created = await expectJson<{ source_blob: { get_url: string; put_url: string } }>(await api.request('/sources', { key: dev.key, method: 'POST' }), 201);
    const never = await expectError(await setUp({ source_blob: { url: created.source_blob.get_url } }), 422, 'invalid_params');
    assert.match(never.message, /never uploaded/);
    await putBlob(created.source_blob.put_url, Buffer.from('this is not gzip'));
    const notTar = await expectError(await setUp({ source_blob: { url: created.source_blob.get_url } }), 422, 'invalid_params');
    assert.match(notTar.message, /not a readable \.tar\.gz/);
    const url = await source({ 'app.json': '{}' });
    await expectError(await setUp({ source_blob: { url }, overrides: { env: { A: 1 } } }), 422, 'invalid_params');
    const name = uniqueName('taken');
    await expectJson(await api.request('/apps', { key: other.key, method: 'POST', body: jsonBody({ name }) }), 201);
    await expectError(await setUp({ app: { name }, source_blob: { url } }), 409, 'conflict');
  });

  it('shows a setup only to the account that made it', async () => {
    const url = await source({ 'app.json': '{"env": {"X": {"generator": "bad"}}}' });
    const failed = await expectJson<SetupJson>(await setUp({ source_blob: { url } }), 201);
    assert.equal((await show(failed.id)).id, failed.id);
    await expectError(await api.request(`/app-setups/${failed.id}`, { key: other.key }), 404, 'not_found');
    await expectError(await api.request('/app-setups/not-a-uuid', { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/app-setups/${failed.id}`), 401, 'unauthorized');
  });

  it('fails the setup, keeping the app, when the build fails or postdeploy exits non-zero', async () => {
    const name = uniqueName('fails');
    const url = await source({ 'app.json': '{"scripts": {"postdeploy": "exit 3"}}', Procfile: 'web: node server.js\n' });
    const started = await expectJson<SetupJson>(await setUp({ app: { name }, source_blob: { url } }), 201);
    const [build] = await waitFor('the build', async () => {
      const builds = api.platform.of('startBuild', started.app?.id);
      return builds.length > 0 ? builds : undefined;
    });
    await api.store.builds.finish(build?.build.id as string, { status: 'failed', error: 'npm ERR! missing script: build' });
    const failed = await waitFor('the setup to fail', async () => {
      const now = await show(started.id);
      return now.status === 'pending' ? undefined : now;
    });
    assert.equal(failed.status, 'failed');
    assert.match(failed.failure_message ?? '', /The build failed/);
    assert.equal(failed.build?.status, 'failed');
    assert.ok(await appNamed(name), 'the app stays, with its build output');

    const second = await expectJson<SetupJson>(await setUp({ source_blob: { url } }), 201);
    const [next] = await waitFor('the second build', async () => {
      const builds = api.platform.of('startBuild', second.app?.id);
      return builds.length > 0 ? builds : undefined;
    });
    api.platform.scriptResults.push({ exitCode: 3, output: 'no seed\n' });
    const slug = await uploadSlug(api, dev.key, second.app?.name as string);
    const release = await api.store.releases.create({ appId: second.app?.id as string, slugId: slug.id, description: 'Deploy', user: null });
    await api.store.builds.finish(next?.build.id as string, { status: 'succeeded', slugId: slug.id, releaseId: release.id });
    const ended = await waitFor('the second setup to end', async () => {
      const now = await show(second.id);
      return now.status === 'pending' ? undefined : now;
    });
    assert.equal(ended.status, 'failed');
    assert.deepEqual(ended.postdeploy, { output: 'no seed\n', exit_code: 3 });
    assert.match(ended.failure_message ?? '', /postdeploy script `exit 3` exited with status 3/);
  });
});

describe('in-process API calls (what an app setup drives the platform with)', () => {
  it('are admitted by the same policy table as HTTP: a stranger\'s app is missing, an admin-only route refused', async () => {
    const internal = createInternalApi(new RouteMatcher(apiRoutes), api.deps, new AppPolicy(api.store));
    const name = uniqueName('mine');
    await expectJson(await api.request('/apps', { key: other.key, method: 'POST', body: jsonBody({ name }) }), 201);
    const devAccount = await api.store.accounts.findByEmail('setup-dev@example.com');
    const otherAccount = await api.store.accounts.findByEmail('setup-other@example.com');
    assert.ok(devAccount && otherAccount);
    await assert.rejects(internal.call(devAccount, 'PATCH', `/apps/${name}/config-vars`, { A: '1' }), (err: Error & { id?: string }) => err.id === 'not_found');
    await assert.rejects(internal.call(devAccount, 'GET', '/admin/disk'), (err: Error & { id?: string }) => err.id === 'forbidden');
    const vars = await internal.call<Record<string, string>>(otherAccount, 'PATCH', `/apps/${name}/config-vars`, { A: '1' });
    assert.equal(vars.A, '1', 'the owner may');
  });
});
