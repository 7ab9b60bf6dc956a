import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { waitFor } from '../support/wait.js';
import { APP_FILES, newApp, putBlob, sha256, tarball, uploadSlug, type ReleaseJson, type SlugJson } from './deploy-helpers.js';
import { expectError, expectJson, expectRawError, jsonBody, rawRequest, UUID } from './helpers.js';

const SLUG_LIMIT = 64 * 1024;

const api = useApi({ overrides: { blobLimits: { slugBytes: SLUG_LIMIT, sourceBytes: SLUG_LIMIT } } });
const dev = api.user('dev@example.com');

const createSlug = async (app: string, body: Record<string, unknown>) =>
  expectJson<SlugJson>(await api.request(`/apps/${app}/slugs`, { key: dev.key, method: 'POST', body: jsonBody(body) }), 201);
const release = (app: string, slug: string) => api.request(`/apps/${app}/releases`, { key: dev.key, method: 'POST', body: jsonBody({ slug }) });
const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

describe('POST /apps/:app/slugs and the upload', () => {
  it('creates a slug with an unguessable upload URL; the upload records size and checksum; GET gives a download URL', async () => {
    const app = await newApp(api, dev.key, 'slug');
    const data = await tarball(APP_FILES);
    const slug = await createSlug(app.name, {
      process_types: { web: 'node server.js' },
      commit: '60883d9e8947a57e04dc9124f25df004866a2051',
      commit_description: 'first',
      buildpack_provided_description: 'Node.js',
      stack: 'heroku-24',
    });
    assert.match(slug.id, UUID);
    assert.equal(slug.blob.method, 'put');
    assert.match(slug.blob.url, new RegExp(`^${api.url}/blobs/slugs/${slug.id}\\.tgz\\?expires=\\d+&signature=[\\w-]{43}$`));
    assert.equal(slug.size, null);
    assert.equal(slug.checksum, null);
    assert.equal(slug.stack.name, 'berth-24'); // Heroku's name, mapped
    assert.deepEqual(slug.process_types, { web: 'node server.js' });

    const put = await putBlob(slug.blob.url, data);
    assert.equal(put.status, 200, await put.text());

    const got = await expectJson<SlugJson>(await api.request(`/apps/${app.name}/slugs/${slug.id}`, { key: dev.key }), 200);
    assert.equal(got.size, data.length);
    assert.equal(got.checksum, sha256(data));
    assert.equal(got.blob.method, 'get');
    const download = await fetch(got.blob.url);
    assert.equal(download.status, 200);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), data);
  });

  it('the upload and download URLs need their signature and only work for their method', async () => {
    const app = await newApp(api, dev.key, 'sig');
    const slug = await createSlug(app.name, { process_types: { web: 'x' } });
    const url = new URL(slug.blob.url);
    const data = await tarball(APP_FILES);
    await expectError(await putBlob(`${url.origin}${url.pathname}`, data), 403, 'forbidden');
    url.searchParams.set('signature', 'A'.repeat(43));
    await expectError(await putBlob(url.toString(), data), 403, 'forbidden');
    await expectError(await fetch(slug.blob.url), 403, 'forbidden');
    const expired = new URL(slug.blob.url);
    expired.searchParams.set('expires', '1000');
    await expectError(await putBlob(expired.toString(), data), 403, 'forbidden');
    assert.equal((await expectJson<SlugJson>(await api.request(`/apps/${app.name}/slugs/${slug.id}`, { key: dev.key }), 200)).size, null, 'nothing was stored');
  });

  it('a slug is uploaded once; a second upload is a 409', async () => {
    const app = await newApp(api, dev.key, 'once');
    const slug = await uploadSlug(api, dev.key, app.name);
    await expectError(await putBlob(slug.blob.url, await tarball({ 'app/other': 'x' })), 409, 'conflict');
  });

  it('of two concurrent uploads to one slug, the loser gets 409 and its bytes never become the slug', async () => {
    const app = await newApp(api, dev.key, 'race');
    const slug = await createSlug(app.name, { process_types: { web: 'x' } });
    const first = await tarball({ ...APP_FILES, 'app/which': 'first' });
    const second = await tarball({ ...APP_FILES, 'app/which': 'second' });
    const [a, b] = await Promise.all([putBlob(slug.blob.url, first), putBlob(slug.blob.url, second)]);
    const statuses = [a.status, b.status].sort();
    assert.deepEqual(statuses, [200, 409], `statuses ${a.status} ${b.status}: ${await a.text()} ${await b.text()}`);
    const winner = a.status === 200 ? first : second;
    const got = await expectJson<SlugJson>(await api.request(`/apps/${app.name}/slugs/${slug.id}`, { key: dev.key }), 200);
    assert.equal(got.checksum, sha256(winner));
    const download = await fetch(got.blob.url);
    assert.deepEqual(Buffer.from(await download.arrayBuffer()), winner, 'the stored bytes are the winner\'s');
  });

  it('refuses an upload that does not match the declared checksum, and stores nothing', async () => {
    const app = await newApp(api, dev.key, 'checksum');
    const slug = await createSlug(app.name, { process_types: { web: 'x' }, checksum: `SHA256:${'0'.repeat(64)}` });
    const error = await expectError(await putBlob(slug.blob.url, await tarball(APP_FILES)), 422, 'invalid_params');
    assert.match(error.message, /does not match.*checksum/);
    assert.equal(await api.blobs.exists(`slugs/${slug.id}.tgz`), false);
    await expectError(await release(app.name, slug.id), 422, 'invalid_params');
  });

  it('refuses an upload over the size limit with 413 and stores nothing', async () => {
    const app = await newApp(api, dev.key, 'big');
    const slug = await createSlug(app.name, { process_types: { web: 'x' } });
    const big = Buffer.alloc(SLUG_LIMIT + 1, 1);
    const declared = await rawRequest(api.url, pathOf(slug.blob.url), { method: 'PUT', body: [big], contentLength: true });
    assert.match(expectRawError(declared, 413, 'payload_too_large').message, /limit of 65536 bytes/);
    const chunked = await rawRequest(api.url, pathOf(slug.blob.url), { method: 'PUT', body: [big.subarray(0, 40_000), big.subarray(40_000)] });
    expectRawError(chunked, 413, 'payload_too_large');
    assert.equal(await api.blobs.exists(`slugs/${slug.id}.tgz`), false);
  });

  it('stores nothing from a truncated upload (the connection drops before Content-Length bytes)', async () => {
    const app = await newApp(api, dev.key, 'truncated');
    const slug = await createSlug(app.name, { process_types: { web: 'x' } });
    const data = await tarball(APP_FILES);
    const { request } = await import('node:http');
    const url = new URL(slug.blob.url);
    await new Promise<void>((resolve) => {
      const req = request({ host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: 'PUT', headers: { 'content-length': String(data.length) }, agent: false });
      req.on('error', () => resolve());
      req.on('response', (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.write(data.subarray(0, Math.floor(data.length / 2)), () => setTimeout(() => req.destroy(), 50));
    });
    // The server sees the broken upload after the socket closes.
    await waitFor('the broken upload to be discarded', async () => !(await api.blobs.exists(`slugs/${slug.id}.tgz`)));
    const got = await expectJson<SlugJson>(await api.request(`/apps/${app.name}/slugs/${slug.id}`, { key: dev.key }), 200);
    assert.equal(got.size, null, 'the slug is still waiting for its upload');
    assert.equal((await putBlob(slug.blob.url, data)).status, 200, 'a retry of the whole upload works');
  });

  it('refuses to release a slug that was never uploaded', async () => {
    const app = await newApp(api, dev.key, 'notup');
    const slug = await createSlug(app.name, { process_types: { web: 'x' } });
    const error = await expectError(await release(app.name, slug.id), 422, 'invalid_params');
    assert.match(error.message, /no uploaded tarball/);
  });

  it('refuses to release a corrupted slug (not gzip), a truncated .tgz, or one with a ../ entry or escaping links', async () => {
    const app = await newApp(api, dev.key, 'corrupt');
    const good = await tarball(APP_FILES);
    const cases: Array<[string, Buffer, RegExp]> = [
      ['not gzip', Buffer.from('this is not a tarball at all'), /gzip/],
      ['truncated', good.subarray(0, Math.floor(good.length / 2)), /gzip|truncated/],
      ['a ../ entry', await tarball({ 'app/server.js': 'x', 'app/evil': 'y' }, 's,^\\./app/evil,../evil,'), /"\.\.\/evil" points outside/],
      ['an escaping symlink', await tarball({ 'app/server.js': 'x', 'app/evil': { link: '../../../etc/passwd' } }), /escapes/],
      ['an absolute symlink', await tarball({ 'app/server.js': 'x', 'app/abs': { link: '/etc/shadow' } }), /escapes/],
    ];
    for (const [what, data, message] of cases) {
      const slug = await createSlug(app.name, { process_types: { web: 'x' } });
      assert.equal((await putBlob(slug.blob.url, data)).status, 200, what);
      const error = await expectError(await release(app.name, slug.id), 422, 'invalid_params');
      assert.match(error.message, message, what);
    }
    const releases = await expectJson<ReleaseJson[]>(await api.request(`/apps/${app.name}/releases`, { key: dev.key }), 200);
    assert.equal(releases.length, 1, 'no release was made from a bad slug');
  });

  const badBodies: Array<[string, Record<string, unknown>, RegExp]> = [
    ['no process_types', { commit: 'x' }, /process_types is required/],
    ['process_types as an array', { process_types: ['web'] }, /process_types/],
    ['a bad process type name', { process_types: { 'we b': 'x' } }, /Process type "we b"/],
    ['an empty command', { process_types: { web: '' } }, /command of process type web/],
    ['a bad checksum', { process_types: { web: 'x' }, checksum: 'md5:abc' }, /SHA256:/],
    ['an unknown stack', { process_types: { web: 'x' }, stack: 'cedar-14' }, /stack "cedar-14" is not a stack of this Berth/],
    ['a non-string commit', { process_types: { web: 'x' }, commit: 12 }, /commit must be a string/],
  ];
  for (const [what, body, message] of badBodies) {
    it(`refuses a slug with ${what} with 422`, async () => {
      const app = await newApp(api, dev.key, 'badslug');
      const error = await expectError(await api.request(`/apps/${app.name}/slugs`, { key: dev.key, method: 'POST', body: jsonBody(body) }), 422, 'invalid_params');
      assert.match(error.message, message);
    });
  }

  it('answers an unknown slug with 404, in the API and at a blob URL', async () => {
    const app = await newApp(api, dev.key, 'noslug');
    await expectError(await api.request(`/apps/${app.name}/slugs/00000000-0000-4000-8000-000000000000`, { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/slugs/nope`, { key: dev.key }), 404, 'not_found');
    await expectError(await release(app.name, '00000000-0000-4000-8000-000000000000'), 404, 'not_found');
  });

  it('deleting the app deletes its slug blobs too', async () => {
    const app = await newApp(api, dev.key, 'gone');
    const slug = await uploadSlug(api, dev.key, app.name);
    assert.equal(await api.blobs.exists(`slugs/${slug.id}.tgz`), true);
    await expectJson(await api.request(`/apps/${app.name}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.equal(await api.blobs.exists(`slugs/${slug.id}.tgz`), false);
    await expectError(await putBlob(slug.blob.url, Buffer.from('x')), 404, 'not_found');
    assert.equal(api.platform.of('destroyApp', app.id).length, 1, 'the platform destroys it (its builds, dynos and files)');
  });
});
