import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseAnnouncement } from '../../src/core/release-announcement.js';
import { useApi } from '../support/api-harness.js';
import { deploy, newApp, setConfig, uploadSlug, type ReleaseJson } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

const SDK = 'application/vnd.heroku+json; version=3.sdk';

const api = useApi();
const dev = api.user('dev@example.com');
const other = api.user('other@example.com');

const get = (path: string, headers: Record<string, string> = {}, key = dev.key) => api.request(path, { key, headers });
const post = (app: string, body: unknown, key = dev.key) => api.request(`/apps/${app}/releases`, { key, method: 'POST', headers: { accept: SDK }, body: jsonBody(body) });

/** An app with v1 (initial) and then 11 config releases, v2..v12. */
async function appWithTwelveReleases(): Promise<string> {
  const app = await newApp(api, dev.key, 'many');
  for (let i = 2; i <= 12; i++) await setConfig(api, dev.key, app.name, { N: String(i) });
  return app.name;
}

describe('GET /apps/:app/releases', () => {
  it('heroku releases: Range "version ..; max=15, order=desc" answers newest first with every field the CLI reads', async () => {
    const app = await appWithTwelveReleases();
    const res = await get(`/apps/${app}/releases`, { accept: SDK, range: 'version ..; max=15, order=desc' });
    const list = await expectJson<ReleaseJson[]>(res, 200);
    assert.deepEqual(list.map((r) => r.version), [12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    const [newest] = list;
    assert.ok(newest);
    assert.match(newest.id, UUID);
    assert.equal(newest.description, 'Set N config vars');
    assert.equal(newest.status, 'succeeded');
    assert.equal(newest.current, true);
    assert.equal(newest.eligible_for_rollback, false, 'no slug yet');
    assert.equal(newest.output_stream_url, null);
    assert.equal(newest.user.email, 'dev@example.com');
    assert.equal(newest.app.name, app);
    assert.deepEqual(newest.addon_plan_names, []);
    assert.deepEqual(newest.artifacts, []);
    assert.equal(new Date(newest.created_at).toISOString(), newest.created_at);
    assert.ok(list.slice(1).every((r) => !r.current), 'only the newest is current');
  });

  it('pages with max and Next-Range, with either separator, and the CLI can follow the pages', async () => {
    const app = await appWithTwelveReleases();
    const first = await get(`/apps/${app}/releases`, { range: 'version ..; order=desc,max=5' });
    assert.deepEqual((await expectJson<ReleaseJson[]>(first, 206)).map((r) => r.version), [12, 11, 10, 9, 8]);
    const next = first.headers.get('next-range');
    assert.equal(next, 'version ]8..; max=5, order=desc');
    assert.match(first.headers.get('content-range') ?? '', /^version 12\.\.8/);
    const second = await get(`/apps/${app}/releases`, { range: next as string });
    assert.deepEqual((await expectJson<ReleaseJson[]>(second, 206)).map((r) => r.version), [7, 6, 5, 4, 3]);
    const third = await get(`/apps/${app}/releases`, { range: second.headers.get('next-range') as string });
    assert.deepEqual((await expectJson<ReleaseJson[]>(third, 200)).map((r) => r.version), [2, 1]);
    const asc = await get(`/apps/${app}/releases`, { range: 'version 9..; max=10;' });
    assert.deepEqual((await expectJson<ReleaseJson[]>(asc, 200)).map((r) => r.version), [9, 10, 11, 12], 'ascending, and numbers compare as numbers');
    assert.deepEqual((await expectJson<ReleaseJson[]>(await get(`/apps/${app}/releases`), 200)).length, 12, 'no Range: all, oldest first');
  });

  it('refuses a Range on another field or with a non-numeric version with 400', async () => {
    const app = await newApp(api, dev.key, 'badrange');
    await expectError(await get(`/apps/${app.name}/releases`, { range: 'name ..; max=5' }), 400, 'bad_request');
    const error = await expectError(await get(`/apps/${app.name}/releases`, { range: 'version abc..; max=5' }), 400, 'bad_request');
    assert.match(error.message, /whole numbers/);
  });
});

describe('GET /apps/:app/releases/:id_or_version and its config vars', () => {
  it('finds a release by id, by version and by "v3", as releases:info and releases:rollback vN ask', async () => {
    const app = await appWithTwelveReleases();
    const byVersion = await expectJson<ReleaseJson>(await get(`/apps/${app}/releases/3`, { accept: SDK }), 200);
    assert.equal(byVersion.version, 3);
    assert.equal(byVersion.current, false);
    assert.deepEqual(await expectJson(await get(`/apps/${app}/releases/${byVersion.id}`), 200), byVersion);
    assert.deepEqual(await expectJson(await get(`/apps/${app}/releases/v3`), 200), byVersion);
    assert.deepEqual(await expectJson(await get(`/apps/${app}/releases/${byVersion.id}/config-vars`), 200), { N: '3' });
    assert.deepEqual(await expectJson(await get(`/apps/${app}/releases/12/config-vars`), 200), { N: '12' });
  });

  for (const missing of ['99', 'v99', '00000000-0000-4000-8000-000000000000', 'not-a-release']) {
    it(`answers the unknown release ${missing} with 404`, async () => {
      const app = await newApp(api, dev.key, 'unknown');
      const error = await expectError(await get(`/apps/${app.name}/releases/${missing}`), 404, 'not_found');
      assert.match(error.message, /release/);
      await expectError(await get(`/apps/${app.name}/releases/${missing}/config-vars`), 404, 'not_found');
    });
  }

  it("hides another user's releases behind the same 404 as a missing app", async () => {
    const app = await newApp(api, dev.key, 'private');
    await expectError(await get(`/apps/${app.name}/releases`, {}, other.key), 404, 'not_found');
    await expectError(await get(`/apps/${app.name}/releases/1`, {}, other.key), 404, 'not_found');
    await expectError(await post(app.name, { release: '1' }, other.key), 404, 'not_found');
  });
});

describe('POST /apps/:app/releases', () => {
  it('deploys an uploaded slug: "Deploy abc1234", slug set, current, eligible for rollback, formation created', async () => {
    const app = await newApp(api, dev.key, 'slugdeploy');
    await setConfig(api, dev.key, app.name, { KEEP: 'me' });
    const release = await deploy(api, dev.key, app.name, { commit: 'abc1234567890', processTypes: { web: 'node server.js', worker: 'node worker.js' } });
    assert.equal(release.version, 3);
    assert.equal(release.description, 'Deploy abc1234');
    assert.equal(release.status, 'succeeded');
    assert.equal(release.current, true);
    assert.equal(release.eligible_for_rollback, true);
    assert.ok(release.slug);
    assert.deepEqual(release.artifacts, [{ type: 'slug', id: release.slug.id }]);
    assert.equal(release.stack?.name, 'berth-24', 'a release records the stack of its slug');
    assert.deepEqual(await expectJson(await get(`/apps/${app.name}/releases/3/config-vars`), 200), { KEEP: 'me' }, 'the deploy carries the config');
    const formation = await expectJson<Array<{ type: string; quantity: number }>>(await get(`/apps/${app.name}/formation`), 200);
    assert.deepEqual(formation.map((f) => [f.type, f.quantity]), [['web', 1], ['worker', 0]]);
    const notified = api.platform.of('releaseCreated', app.id).at(-1)?.release;
    assert.equal(notified?.id, release.id);
    assert.deepEqual(notified && releaseAnnouncement(notified), ['Deploy abc1234 by user dev@example.com', 'Release v3 created by user dev@example.com']);
  });

  it('takes a description when given', async () => {
    const app = await newApp(api, dev.key, 'described');
    const slug = await uploadSlug(api, dev.key, app.name);
    const release = await expectJson<ReleaseJson>(await post(app.name, { slug: slug.id, description: 'Promote from staging' }), 201);
    assert.equal(release.description, 'Promote from staging');
  });

  it('rollback restores the old slug AND the old config vars as a new release "Rollback to v3"', async () => {
    const app = await newApp(api, dev.key, 'rollback');
    await setConfig(api, dev.key, app.name, { COLOR: 'blue' });
    const v3 = await deploy(api, dev.key, app.name, { commit: 'aaaaaaa1111' });
    const v4 = await deploy(api, dev.key, app.name, { commit: 'bbbbbbb2222' });
    await setConfig(api, dev.key, app.name, { COLOR: 'red', ADDED: 'later' });
    const rolled = await expectJson<ReleaseJson>(await post(app.name, { release: v3.id }), 201);
    assert.equal(rolled.version, 6);
    assert.equal(rolled.description, 'Rollback to v3');
    assert.equal(rolled.current, true);
    assert.deepEqual(rolled.slug, v3.slug);
    assert.notDeepEqual(rolled.slug, v4.slug);
    assert.deepEqual(await expectJson(await get(`/apps/${app.name}/config-vars`), 200), { COLOR: 'blue' }, 'the app config is the old one again');
    assert.deepEqual(await expectJson(await get(`/apps/${app.name}/releases/6/config-vars`), 200), { COLOR: 'blue' });
    const notified = api.platform.of('releaseCreated', app.id).at(-1)?.release;
    assert.deepEqual(notified && releaseAnnouncement(notified), ['Rollback to v3 by user dev@example.com', 'Release v6 created by user dev@example.com']);
    assert.equal(notified?.slugId, v3.slug?.id);
    assert.deepEqual({ ...notified?.configVars }, { COLOR: 'blue' });
  });

  it('heroku releases:rollback with no argument: the 2nd eligible release of "max=10, order=desc", then POST {"release": uuid}', async () => {
    const app = await newApp(api, dev.key, 'cliroll');
    const v2 = await deploy(api, dev.key, app.name);
    await deploy(api, dev.key, app.name);
    await setConfig(api, dev.key, app.name, { X: '1' });
    const list = await expectJson<ReleaseJson[]>(await get(`/apps/${app.name}/releases`, { accept: SDK, range: 'version ..; max=10, order=desc' }), 200);
    const target = list.filter((r) => r.eligible_for_rollback)[1];
    assert.equal(target?.version, 3, 'v4 (config, with v3 slug) is eligible and first; v3 is second');
    const byVersion = await expectJson<ReleaseJson>(await post(app.name, { release: 2 }), 201);
    assert.equal(byVersion.description, 'Rollback to v2');
    assert.deepEqual(byVersion.slug, v2.slug);
  });

  it('refuses to roll back to a release without a slug with 422 saying why', async () => {
    const app = await newApp(api, dev.key, 'noslug');
    await deploy(api, dev.key, app.name);
    const error = await expectError(await post(app.name, { release: 1 }), 422, 'invalid_params');
    assert.match(error.message, /v1.*no slug/);
  });

  it('refuses to roll back to a failed release', async () => {
    const app = await newApp(api, dev.key, 'failedrel');
    const v2 = await deploy(api, dev.key, app.name, { processTypes: { web: 'node server.js', release: 'exit 1' } });
    assert.equal(v2.status, 'pending');
    await api.store.releases.finish(v2.id, 'failed');
    const error = await expectError(await post(app.name, { release: v2.id }), 422, 'invalid_params');
    assert.match(error.message, /status is failed/);
  });

  it('answers rollback to an unknown release with 404', async () => {
    const app = await newApp(api, dev.key, 'rollmissing');
    await expectError(await post(app.name, { release: '00000000-0000-4000-8000-000000000000' }), 404, 'not_found');
    await expectError(await post(app.name, { release: 42 }), 404, 'not_found');
  });

  it('needs exactly one of slug and release, and refuses oci_image', async () => {
    const app = await newApp(api, dev.key, 'onlyone');
    const slug = await uploadSlug(api, dev.key, app.name);
    for (const body of [{}, { slug: slug.id, release: '1' }, { description: 'nothing' }]) {
      const error = await expectError(await post(app.name, body), 422, 'invalid_params');
      assert.match(error.message, /either/);
    }
    await expectError(await post(app.name, { oci_image: 'x' }), 422, 'invalid_params');
    await expectError(await post(app.name, { slug: 42 }), 422, 'invalid_params');
    await expectError(await post(app.name, { slug: slug.id, description: 7 }), 422, 'invalid_params');
  });

  it('answers a slug of another app with 404', async () => {
    const mine = await newApp(api, dev.key, 'mine');
    const theirs = await newApp(api, other.key, 'theirs');
    const slug = await uploadSlug(api, other.key, theirs.name);
    await expectError(await post(mine.name, { slug: slug.id }), 404, 'not_found');
  });

  it('a slug with a release phase makes a pending release with an output stream; it goes live only when it succeeds', async () => {
    const app = await newApp(api, dev.key, 'phase');
    const v2 = await deploy(api, dev.key, app.name);
    const v3 = await deploy(api, dev.key, app.name, { processTypes: { web: 'node server.js', release: 'node migrate.js' } });
    assert.equal(v3.status, 'pending');
    assert.equal(v3.current, false);
    assert.ok(v3.output_stream_url);
    assert.equal((await expectJson<ReleaseJson>(await get(`/apps/${app.name}/releases/2`), 200)).current, true);
    api.platform.outputs.set(`release:${v3.id}`, ['Running migrations\n', 'done\n']);
    const stream = await fetch(v3.output_stream_url);
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get('content-type') ?? '', /^text\/plain/);
    assert.equal(await stream.text(), 'Running migrations\ndone\n');
    await api.store.releases.finish(v3.id, 'succeeded');
    const after = await expectJson<ReleaseJson>(await get(`/apps/${app.name}/releases/3`), 200);
    assert.equal(after.current, true);
    assert.equal(after.status, 'succeeded');
    assert.equal(v2.output_stream_url, null);
  });
});

describe('App JSON from the current release', () => {
  it('released_at, slug_size and buildpack_provided_description follow the current release', async () => {
    const app = await newApp(api, dev.key, 'appjson');
    const fresh = await expectJson<Record<string, unknown>>(await get(`/apps/${app.name}`), 200);
    assert.equal(typeof fresh.released_at, 'string', 'v1 counts as released');
    assert.equal(fresh.slug_size, null);
    const slug = await uploadSlug(api, dev.key, app.name);
    await api.store.releases.create({ appId: app.id, slugId: slug.id, description: 'Deploy', user: null });
    const deployed = await expectJson<Record<string, unknown>>(await get(`/apps/${app.name}`), 200);
    assert.equal(typeof deployed.slug_size, 'number');
    assert.ok((deployed.slug_size as number) > 0);
    const listed = await expectJson<Array<Record<string, unknown>>>(await get('/apps'), 200);
    assert.equal(listed.find((a) => a.name === app.name)?.slug_size, deployed.slug_size);
  });
});
