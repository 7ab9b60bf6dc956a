import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { releaseAnnouncement } from '../../src/core/release-announcement.js';
import { useApi } from '../support/api-harness.js';
import { deploy, latestRelease, newApp, setConfig, type ReleaseJson } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

const api = useApi();
const dev = api.user('dev@example.com');
const other = api.user('other@example.com');

const patch = (app: string, body: unknown, key = dev.key) => api.request(`/apps/${app}/config-vars`, { key, method: 'PATCH', body: jsonBody(body) });
const releases = async (app: string) => expectJson<ReleaseJson[]>(await api.request(`/apps/${app}/releases`, { key: dev.key }), 200);

describe('GET and PATCH /apps/:app/config-vars', () => {
  it('a new app has no config vars and one release, v1 "Initial release"', async () => {
    const app = await newApp(api, dev.key);
    assert.deepEqual(await expectJson(await api.request(`/apps/${app.name}/config-vars`, { key: dev.key }), 200), {});
    const [v1, ...rest] = await releases(app.name);
    assert.equal(rest.length, 0);
    assert.equal(v1?.version, 1);
    assert.equal(v1?.description, 'Initial release');
    assert.equal(v1?.current, true);
    assert.equal(v1?.slug, null);
  });

  it('config:set A=1 B=2 merges, answers the whole map and makes v2 "Set A, B config vars" (the CLI prints done, v2)', async () => {
    const app = await newApp(api, dev.key);
    assert.deepEqual(await setConfig(api, dev.key, app.name, { EXISTING: 'yes' }), { EXISTING: 'yes' });
    assert.deepEqual(await setConfig(api, dev.key, app.name, { A: '1', B: '2' }), { EXISTING: 'yes', A: '1', B: '2' });
    const latest = await latestRelease(api, dev.key, app.name);
    assert.equal(latest.version, 3);
    assert.equal(latest.description, 'Set A, B config vars');
    assert.equal(latest.status, 'succeeded');
    assert.equal(latest.current, true);
    assert.deepEqual(latest.user, { id: dev.accountId, email: 'dev@example.com' });
    assert.deepEqual(await expectJson(await api.request(`/apps/${app.id}/config-vars`, { key: dev.key }), 200), { EXISTING: 'yes', A: '1', B: '2' });
  });

  it('config:unset A sends {"A": null}, removes it and makes a "Remove A config vars" release', async () => {
    const app = await newApp(api, dev.key);
    await setConfig(api, dev.key, app.name, { A: '1', B: '2' });
    assert.deepEqual(await setConfig(api, dev.key, app.name, { A: null }), { B: '2' });
    assert.equal((await latestRelease(api, dev.key, app.name)).description, 'Remove A config vars');
    await setConfig(api, dev.key, app.name, { B: null, C: '3' });
    assert.equal((await latestRelease(api, dev.key, app.name)).description, 'Set C and remove B config vars');
  });

  it('an empty PATCH, an unchanged value or removing a missing var makes no release', async () => {
    const app = await newApp(api, dev.key);
    await setConfig(api, dev.key, app.name, { A: '1' });
    const before = (await releases(app.name)).length;
    assert.deepEqual(await setConfig(api, dev.key, app.name, {}), { A: '1' });
    assert.deepEqual(await setConfig(api, dev.key, app.name, { A: '1' }), { A: '1' });
    assert.deepEqual(await setConfig(api, dev.key, app.name, { MISSING: null }), { A: '1' });
    assert.equal((await releases(app.name)).length, before);
    assert.equal(api.platform.of('releaseCreated', app.id).length, before);
  });

  it('every change tells the dyno manager and keeps the slug of the current release (a restart, never a rebuild)', async () => {
    const app = await newApp(api, dev.key);
    const deployed = await deploy(api, dev.key, app.name);
    await setConfig(api, dev.key, app.name, { FEATURE: 'on' });
    const events = api.platform.of('releaseCreated', app.id);
    const last = events[events.length - 1]?.release;
    assert.equal(last?.version, deployed.version + 1);
    assert.equal(last?.slugId, deployed.slug?.id);
    assert.deepEqual({ ...last?.configVars }, { FEATURE: 'on' });
    assert.equal(api.platform.of('startBuild', app.id).length, 0);
  });

  it('hands the platform a release announced as "Set FOO config vars by user …", never with the value', async () => {
    const app = await newApp(api, dev.key);
    await setConfig(api, dev.key, app.name, { FOO: 'super-secret-value' });
    const release = api.platform.of('releaseCreated', app.id).at(-1)?.release;
    assert.ok(release, 'the platform heard of the release');
    assert.deepEqual(releaseAnnouncement(release), ['Set FOO config vars by user dev@example.com', 'Release v2 created by user dev@example.com']);
    const everything = JSON.stringify([api.lines, api.logged, release.description]);
    assert.ok(!everything.includes('super-secret-value'), 'the value appears in no log');
  });

  it('keeps values exactly: unicode, newlines, "=", empty strings, and a name like __proto__', async () => {
    const app = await newApp(api, dev.key);
    const vars = { UNICODE: 'ünïcødé 🚢', MULTI: 'line 1\nline 2', EQUALS: 'a=b=c', EMPTY: '', _under: 'x' };
    assert.deepEqual(await setConfig(api, dev.key, app.name, vars), vars);
    const res = await api.request(`/apps/${app.name}/config-vars`, { key: dev.key, method: 'PATCH', body: '{"__proto__":"p"}' });
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as Record<string, string>)['__proto__'], 'p');
  });

  it('20 concurrent config:set calls get distinct versions v2..v21 and lose no variable', async () => {
    const app = await newApp(api, dev.key);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => patch(app.name, { [`VAR_${i}`]: String(i) })));
    for (const res of results) assert.equal(res.status, 200);
    const listed = await releases(app.name);
    assert.deepEqual(listed.map((r) => r.version), Array.from({ length: 21 }, (_, i) => i + 1));
    const config = await expectJson<Record<string, string>>(await api.request(`/apps/${app.name}/config-vars`, { key: dev.key }), 200);
    assert.equal(Object.keys(config).length, 20);
  });

  it("another user's app is a 404, like a missing one", async () => {
    const app = await newApp(api, dev.key);
    await expectError(await api.request(`/apps/${app.name}/config-vars`, { key: other.key }), 404, 'not_found');
    await expectError(await patch(app.name, { A: '1' }, other.key), 404, 'not_found');
    await expectError(await patch('no-such-app-here', { A: '1' }), 404, 'not_found');
  });
});

describe('Bad config vars', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['a name starting with a digit', '{"1ABC":"x"}', /name "1ABC" is invalid.*letter or underscore/],
    ['a name with a dash', '{"MY-VAR":"x"}', /MY-VAR.*letters, digits and underscores/],
    ['a name with a space', '{"MY VAR":"x"}', /MY VAR/],
    ['an empty name', '{"":"x"}', /""/],
    ['a number value', '{"PORT":5000}', /PORT must be a string.*Quote/],
    ['a boolean value', '{"DEBUG":true}', /DEBUG must be a string/],
    ['an object value', '{"OBJ":{"a":1}}', /OBJ must be a string/],
    ['a value with NUL', '{"BAD":"a\\u0000b"}', /BAD contains a NUL/],
    ['a value with a lone surrogate', '{"BAD":"\\ud800"}', /BAD is not valid UTF-8/],
  ];
  for (const [what, body, message] of cases) {
    it(`refuses ${what} with 422 invalid_params and changes nothing`, async () => {
      const app = await newApp(api, dev.key, 'badvar');
      await setConfig(api, dev.key, app.name, { KEEP: 'me' });
      const error = await expectError(await api.request(`/apps/${app.name}/config-vars`, { key: dev.key, method: 'PATCH', body }), 422, 'invalid_params');
      assert.match(error.message, message);
      assert.deepEqual(await expectJson(await api.request(`/apps/${app.name}/config-vars`, { key: dev.key }), 200), { KEEP: 'me' });
      assert.equal((await releases(app.name)).length, 2);
    });
  }

  it('refuses a config over 32 KB in total with the rule, also when reached in several steps', async () => {
    const app = await newApp(api, dev.key, 'big');
    const error = await expectError(await patch(app.name, { BIG: 'x'.repeat(32 * 1024) }), 422, 'invalid_params');
    assert.match(error.message, /32 KB/);
    assert.ok(!error.message.includes('xxxx'), 'the message does not echo the value');
    await setConfig(api, dev.key, app.name, { HALF: 'y'.repeat(20 * 1024) });
    await expectError(await patch(app.name, { OTHER_HALF: 'z'.repeat(13 * 1024) }), 422, 'invalid_params');
    await setConfig(api, dev.key, app.name, { OTHER: 'z'.repeat(11 * 1024) });
    assert.deepEqual(Object.keys(await setConfig(api, dev.key, app.name, { HALF: null, OTHER_2: 'w'.repeat(19 * 1024) })).sort(), ['OTHER', 'OTHER_2']);
  });

  it('counts multi-byte characters as their UTF-8 bytes', async () => {
    const app = await newApp(api, dev.key, 'bytes');
    // 11,000 three-byte characters = 33,000 bytes > 32 KB, though only 11,000 characters.
    await expectError(await patch(app.name, { WIDE: '€'.repeat(11_000) }), 422, 'invalid_params');
    await setConfig(api, dev.key, app.name, { WIDE: '€'.repeat(10_000) });
  });

  it('refuses a JSON body that is not an object with 400', async () => {
    const app = await newApp(api, dev.key, 'notobj');
    await expectError(await api.request(`/apps/${app.name}/config-vars`, { key: dev.key, method: 'PATCH', body: '["A"]' }), 400, 'bad_request');
  });
});
