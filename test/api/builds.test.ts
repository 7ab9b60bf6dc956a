import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { APP_FILES, newApp, putBlob, tarball, uploadSlug } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface BuildJson {
  id: string;
  status: string;
  output_stream_url: string;
  source_blob: { url: string; checksum: string | null; version: string | null; version_description: string | null };
  buildpacks: Array<{ url: string; name: string }>;
  stack: string;
  release: { id: string } | null;
  slug: { id: string } | null;
  user: { id: string; email: string };
  app: { id: string };
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

interface SourceJson {
  source_blob: { get_url: string; put_url: string };
}

const api = useApi();
const dev = api.user('dev@example.com');
const other = api.user('other@example.com');

const createBuild = (app: string, body: unknown, key = dev.key) => api.request(`/apps/${app}/builds`, { key, method: 'POST', body: jsonBody(body) });
const newSource = async () => expectJson<SourceJson>(await api.request('/sources', { key: dev.key, method: 'POST' }), 201);

describe('POST /sources', () => {
  it('gives capability URLs to PUT a tarball (with an empty Content-Type) and GET it back', async () => {
    const source = await newSource();
    const { get_url, put_url } = source.source_blob;
    assert.notEqual(get_url, put_url);
    assert.match(put_url, /^http:\/\/127\.0\.0\.1:\d+\/blobs\/sources\/[0-9a-f-]{36}\.tgz\?expires=\d+&signature=/);
    const data = await tarball(APP_FILES);
    await expectError(await fetch(get_url), 404, 'not_found');
    assert.equal((await putBlob(put_url, data)).status, 200);
    const back = await fetch(get_url);
    assert.equal(back.status, 200);
    assert.deepEqual(Buffer.from(await back.arrayBuffer()), data);
    await expectError(await putBlob(get_url, data), 403, 'forbidden');
    await expectError(await fetch(put_url), 403, 'forbidden');
  });

  it('needs an API key to create, and the deprecated per-app form works too', async () => {
    await expectError(await api.request('/sources', { method: 'POST' }), 401, 'unauthorized');
    const app = await newApp(api, dev.key, 'srcapp');
    const source = await expectJson<SourceJson>(await api.request(`/apps/${app.name}/sources`, { key: dev.key, method: 'POST' }), 201);
    assert.ok(source.source_blob.put_url);
    await expectError(await api.request(`/apps/${app.name}/sources`, { key: other.key, method: 'POST' }), 404, 'not_found');
  });
});

describe('POST /apps/:app/builds', () => {
  it('creates a pending build with every field and starts it with the uploaded source as a blob', async () => {
    const app = await newApp(api, dev.key, 'build');
    const source = await newSource();
    await putBlob(source.source_blob.put_url, await tarball(APP_FILES));
    const build = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: source.source_blob.get_url, version: '' } }), 201);
    assert.match(build.id, UUID);
    assert.equal(build.status, 'pending');
    assert.equal(build.release, null);
    assert.equal(build.slug, null);
    assert.equal(build.stack, 'berth-24');
    assert.deepEqual(build.buildpacks, []);
    assert.deepEqual(build.source_blob, { url: source.source_blob.get_url, checksum: null, version: '', version_description: null });
    assert.deepEqual(build.user, { id: dev.accountId, email: 'dev@example.com' });
    assert.deepEqual(build.app, { id: app.id });
    assert.match(build.output_stream_url, /\/streams\/builds\/[0-9a-f-]{36}\?expires=/);
    const started = api.platform.of('startBuild', app.id);
    assert.equal(started.length, 1);
    assert.equal(started[0]?.build.id, build.id);
    const key = new URL(source.source_blob.get_url).pathname.replace('/blobs/', '');
    assert.deepEqual(started[0]?.source, { kind: 'blob', key });
    assert.equal(await api.blobs.exists(key), true);
    assert.equal(api.lines.filter((l) => l.appId === app.id).at(-1)?.message, 'Build started by user dev@example.com');
  });

  it('passes any other https URL to the builder as a URL, with checksum and version', async () => {
    const app = await newApp(api, dev.key, 'ext');
    const checksum = `SHA256:${'ab'.repeat(32)}`;
    const build = await expectJson<BuildJson>(
      await createBuild(app.name, { source_blob: { url: 'https://example.com/app.tgz?token=xyz', checksum, version: 'v1.3.0', version_description: 'Release 1.3' } }),
      201,
    );
    assert.deepEqual(build.source_blob, { url: 'https://example.com/app.tgz?token=xyz', checksum, version: 'v1.3.0', version_description: 'Release 1.3' });
    assert.deepEqual(api.platform.of('startBuild', app.id)[0]?.source, { kind: 'url', url: 'https://example.com/app.tgz?token=xyz' });
  });

  it("uses the app's buildpacks unless the build names its own", async () => {
    const app = await newApp(api, dev.key, 'bps');
    await expectJson(await api.request(`/apps/${app.name}/buildpack-installations`, { key: dev.key, method: 'PUT', body: jsonBody({ updates: [{ buildpack: 'nodejs' }, { buildpack: 'https://example.com/bp.git#v2' }] }) }), 200);
    const inherited = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: 'https://example.com/a.tgz' } }), 201);
    assert.deepEqual(inherited.buildpacks, [{ url: 'nodejs', name: 'nodejs' }, { url: 'https://example.com/bp.git#v2', name: 'https://example.com/bp.git#v2' }]);
    const own = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: 'https://example.com/a.tgz' }, buildpacks: [{ url: 'static' }, { name: 'procfile' }] }), 201);
    assert.deepEqual(own.buildpacks.map((b) => b.url), ['static', 'procfile']);
  });

  const bad: Array<[string, unknown, RegExp]> = [
    ['no source_blob', {}, /source_blob.url is required/],
    ['a source_blob without url', { source_blob: { version: 'x' } }, /source_blob.url is required/],
    ['a url that is not a URL', { source_blob: { url: 'not a url' } }, /not a URL/],
    ['a file: URL', { source_blob: { url: 'file:///etc/passwd' } }, /http\(s\)/],
    ['a bad checksum', { source_blob: { url: 'https://e.com/a.tgz', checksum: 'sha1:abc' } }, /SHA256:/],
    ['buildpacks that are not an array', { source_blob: { url: 'https://e.com/a.tgz' }, buildpacks: 'nodejs' }, /buildpacks must be an array/],
    ['a buildpack without url or name', { source_blob: { url: 'https://e.com/a.tgz' }, buildpacks: [{}] }, /buildpacks\[0\]/],
  ];
  for (const [what, body, message] of bad) {
    it(`refuses a build with ${what} with 422 and starts nothing`, async () => {
      const app = await newApp(api, dev.key, 'badbuild');
      const error = await expectError(await createBuild(app.name, body), 422, 'invalid_params');
      assert.match(error.message, message);
      assert.equal(api.platform.of('startBuild', app.id).length, 0);
    });
  }

  it('refuses a source URL of ours with a forged signature', async () => {
    const app = await newApp(api, dev.key, 'forged');
    const url = new URL((await newSource()).source_blob.get_url);
    url.searchParams.set('signature', 'B'.repeat(43));
    await expectError(await createBuild(app.name, { source_blob: { url: url.toString() } }), 422, 'invalid_params');
  });
});

describe('Reading, following and cancelling builds', () => {
  it('lists builds oldest first (Range by created_at) and shows one by id; another user gets 404', async () => {
    const app = await newApp(api, dev.key, 'list');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: `https://e.com/${i}.tgz` } }), 201)).id);
    const listed = await expectJson<BuildJson[]>(await api.request(`/apps/${app.name}/builds`, { key: dev.key }), 200);
    assert.deepEqual(listed.map((b) => b.id), ids);
    const newest = await api.request(`/apps/${app.name}/builds`, { key: dev.key, headers: { range: 'created_at ..; max=1, order=desc' } });
    assert.deepEqual((await expectJson<BuildJson[]>(newest, 206)).map((b) => b.id), [ids[2]]);
    const one = await expectJson<BuildJson>(await api.request(`/apps/${app.name}/builds/${ids[1]}`, { key: dev.key }), 200);
    assert.equal(one.source_blob.url, 'https://e.com/1.tgz');
    await expectError(await api.request(`/apps/${app.name}/builds/${ids[1]}`, { key: other.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/builds/00000000-0000-4000-8000-000000000000`, { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/builds/nope`, { key: dev.key }), 404, 'not_found');
  });

  it('shows the finished build with its slug and release once the platform ends it', async () => {
    const app = await newApp(api, dev.key, 'finish');
    const build = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: 'https://e.com/a.tgz' } }), 201);
    const slug = await uploadSlug(api, dev.key, app.name);
    const release = await api.store.releases.create({ appId: app.id, slugId: slug.id, description: 'Deploy', user: null });
    await api.store.builds.finish(build.id, { status: 'succeeded', slugId: slug.id, releaseId: release.id });
    const done = await expectJson<BuildJson>(await api.request(`/apps/${app.name}/builds/${build.id}`, { key: dev.key }), 200);
    assert.equal(done.status, 'succeeded');
    assert.deepEqual(done.slug, { id: slug.id });
    assert.deepEqual(done.release, { id: release.id });
  });

  it('streams the build output at output_stream_url without an API key', async () => {
    const app = await newApp(api, dev.key, 'stream');
    const build = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: 'https://e.com/a.tgz' } }), 201);
    const early = await fetch(build.output_stream_url);
    await expectError(early, 404, 'not_found');
    api.platform.outputs.set(`build:${build.id}`, ['-----> Building on the berth-24 stack\n', '-----> Node.js app detected\n']);
    const res = await fetch(build.output_stream_url);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), '-----> Building on the berth-24 stack\n-----> Node.js app detected\n');
    const forged = new URL(build.output_stream_url);
    forged.pathname = forged.pathname.replace(build.id, '00000000-0000-4000-8000-000000000000');
    await expectError(await fetch(forged), 403, 'forbidden');
  });

  it('DELETE cancels a pending build through the platform; a finished build cannot be cancelled', async () => {
    const app = await newApp(api, dev.key, 'cancel');
    const build = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: 'https://e.com/a.tgz' } }), 201);
    const cancelled = await expectJson<BuildJson>(await api.request(`/apps/${app.name}/builds/${build.id}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(cancelled.status, 'failed');
    assert.equal(api.platform.of('cancelBuild', app.id)[0]?.build.id, build.id);
    const error = await expectError(await api.request(`/apps/${app.name}/builds/${build.id}`, { key: dev.key, method: 'DELETE' }), 422, 'invalid_params');
    assert.match(error.message, /already failed/);
  });

  it('DELETE /apps/:app/build-cache asks the builder to clear the cache and answers 202', async () => {
    const app = await newApp(api, dev.key, 'cache');
    const res = await api.request(`/apps/${app.name}/build-cache`, { key: dev.key, method: 'DELETE' });
    assert.equal(res.status, 202);
    assert.equal(api.platform.of('clearBuildCache', app.id).length, 1);
    await expectError(await api.request(`/apps/${app.name}/build-cache`, { key: other.key, method: 'DELETE' }), 404, 'not_found');
  });

  it('failStale after a crash leaves no build pending, and the API shows why', async () => {
    const app = await newApp(api, dev.key, 'stale');
    const build = await expectJson<BuildJson>(await createBuild(app.name, { source_blob: { url: 'https://e.com/a.tgz' } }), 201);
    assert.ok((await api.store.builds.failStale()).includes(build.id));
    const after = await expectJson<BuildJson>(await api.request(`/apps/${app.name}/builds/${build.id}`, { key: dev.key }), 200);
    assert.equal(after.status, 'failed');
    assert.match(after.error_message ?? '', /Berth stopped/);
  });
});

describe('Buildpack installations', () => {
  it('buildpacks:set sends GET then PUT {"updates":[{"buildpack"}]} and gets [{ordinal, buildpack:{url,name}}]', async () => {
    const app = await newApp(api, dev.key, 'bpset');
    assert.deepEqual(await expectJson(await api.request(`/apps/${app.name}/buildpack-installations`, { key: dev.key }), 200), []);
    const set = await expectJson(
      await api.request(`/apps/${app.name}/buildpack-installations`, { key: dev.key, method: 'PUT', body: jsonBody({ updates: [{ buildpack: 'heroku/nodejs' }, { buildpack: 'static' }] }) }),
      200,
    );
    assert.deepEqual(set, [
      { buildpack: { name: 'heroku/nodejs', url: 'heroku/nodejs' }, ordinal: 0 },
      { buildpack: { name: 'static', url: 'static' }, ordinal: 1 },
    ]);
    assert.deepEqual(await expectJson(await api.request(`/apps/${app.name}/buildpack-installations`, { key: dev.key }), 200), set);
    const cleared = await api.request(`/apps/${app.name}/buildpack-installations`, { key: dev.key, method: 'PUT', body: jsonBody({ updates: [] }) });
    assert.deepEqual(await expectJson(cleared, 200), [], 'buildpacks:clear');
  });

  for (const [what, body] of [
    ['no updates', {}],
    ['updates that are not objects', { updates: ['nodejs'] }],
    ['an empty buildpack', { updates: [{ buildpack: '' }] }],
    ['a buildpack with a space', { updates: [{ buildpack: 'node js' }] }],
    ['21 buildpacks', { updates: Array.from({ length: 21 }, () => ({ buildpack: 'nodejs' })) }],
  ] as const) {
    it(`refuses ${what} with 422`, async () => {
      const app = await newApp(api, dev.key, 'bpbad');
      await expectError(await api.request(`/apps/${app.name}/buildpack-installations`, { key: dev.key, method: 'PUT', body: jsonBody(body) }), 422, 'invalid_params');
    });
  }
});
