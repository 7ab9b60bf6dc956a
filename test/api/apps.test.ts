import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APP_NAME_PATTERN } from '../../src/core/app-name.js';
import { useApi } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody, uniqueName, UUID } from './helpers.js';

interface AppJson {
  id: string;
  name: string;
  web_url: string;
  git_url: string;
  owner: { email: string; id: string };
  region: { name: string };
  stack: { name: string };
  build_stack: { name: string };
  maintenance: boolean;
  generation: { name: string };
  space: unknown;
  team: unknown;
  created_at: string;
  updated_at: string;
}

const api = useApi();
const alice = api.user('alice@example.test');
const bob = api.user('bob@example.test');

const createApp = async (key: string, body: Record<string, unknown>): Promise<AppJson> =>
  expectJson<AppJson>(await api.request('/apps', { key, method: 'POST', body: jsonBody(body) }), 201);

const isoTimestamp = (value: string) => {
  assert.equal(typeof value, 'string');
  assert.equal(new Date(value).toISOString(), value);
};

describe('POST /apps', () => {
  it('creates an app with every field the official CLI reads', async () => {
    const name = uniqueName('create');
    const app = await createApp(alice.key, { name });
    assert.match(app.id, UUID);
    assert.equal(app.name, name);
    assert.equal(app.web_url, `http://${name}.example.test:8080/`);
    assert.equal(app.git_url, `https://git.example.test:5443/${name}.git`);
    assert.deepEqual({ email: app.owner.email, id: app.owner.id }, { email: 'alice@example.test', id: alice.accountId });
    assert.equal(app.region.name, 'local');
    assert.equal(app.stack.name, 'berth-24');
    assert.equal(app.build_stack.name, 'berth-24');
    assert.equal(app.maintenance, false);
    assert.equal(app.generation.name, 'cedar');
    assert.equal(app.space, null);
    assert.equal(app.team, null);
    isoTimestamp(app.created_at);
    isoTimestamp(app.updated_at);
  });

  it('accepts the region and stack the CLI sends when they exist', async () => {
    const app = await createApp(alice.key, { name: uniqueName('explicit'), region: 'local', stack: 'berth-24' });
    assert.equal(app.region.name, 'local');
    assert.equal(app.stack.name, 'berth-24');
  });

  it('maps a Heroku stack name to berth-24 with a one-line Warning-Message', async () => {
    for (const stack of ['heroku-24', 'heroku-22']) {
      const res = await api.request('/apps', { key: alice.key, method: 'POST', body: jsonBody({ name: uniqueName('herokustack'), stack }) });
      assert.match(res.headers.get('warning-message') ?? '', new RegExp(`^Stack ${stack} is Heroku's; this Berth builds and runs it on berth-24 \\(Debian 13 \\(trixie\\)\\)`));
      const app = await expectJson<AppJson>(res, 201);
      assert.equal(app.stack.name, 'berth-24');
      assert.equal(app.build_stack.name, 'berth-24');
    }
  });

  it('sets the build stack with PATCH build_stack, mapping a Heroku name, and refuses an unknown one unchanged', async () => {
    const app = await createApp(alice.key, { name: uniqueName('stackset') });
    const patch = (body: unknown) => api.request(`/apps/${app.name}`, { key: alice.key, method: 'PATCH', body: jsonBody(body) });
    const res = await patch({ build_stack: 'heroku-22' });
    assert.match(res.headers.get('warning-message') ?? '', /heroku-22 is Heroku's/);
    assert.equal((await expectJson<AppJson>(res, 200)).build_stack.name, 'berth-24');
    const body = await expectError(await patch({ build_stack: 'cedar-14' }), 422, 'invalid_params');
    assert.match(body.message, /build_stack "cedar-14" is not a stack of this Berth: use one of "berth-24", "heroku-24"/);
  });

  it('picks a random valid name when none is given', async () => {
    const first = await createApp(alice.key, {});
    const second = await expectJson<AppJson>(await api.request('/apps', { key: alice.key, method: 'POST' }), 201);
    for (const app of [first, second]) assert.match(app.name, APP_NAME_PATTERN);
    assert.notEqual(first.name, second.name);
  });

  for (const bad of ['A', '1abc', 'ab', 'with_underscore', '-lead', 'trail-', `a${'b'.repeat(30)}`, 5, true]) {
    it(`refuses the invalid name ${JSON.stringify(bad)} with 422 invalid_params stating the rule`, async () => {
      const body = await expectError(await api.request('/apps', { key: alice.key, method: 'POST', body: jsonBody({ name: bad }) }), 422, 'invalid_params');
      assert.match(body.message, /start with a letter/);
      assert.match(body.message, /3 to 30 characters/);
    });
  }

  it('accepts a name of exactly 30 characters', async () => {
    const name = `x${'y'.repeat(28)}z`;
    assert.equal(name.length, 30);
    assert.equal((await createApp(alice.key, { name })).name, name);
  });

  it('refuses a taken name with 409 conflict saying it is taken, even when another user owns it', async () => {
    const name = uniqueName('taken');
    await createApp(alice.key, { name });
    for (const key of [alice.key, bob.key]) {
      const body = await expectError(await api.request('/apps', { key, method: 'POST', body: jsonBody({ name }) }), 409, 'conflict');
      assert.match(body.message, /taken/);
      assert.ok(body.message.includes(name));
    }
  });

  it('refuses an unknown region with 422 naming the region that exists', async () => {
    const body = await expectError(
      await api.request('/apps', { key: alice.key, method: 'POST', body: jsonBody({ name: uniqueName('region'), region: 'eu' }) }),
      422,
      'invalid_params',
    );
    assert.match(body.message, /"eu"/);
    assert.match(body.message, /"local"/);
  });

  it('refuses an unknown stack with 422 naming the stack that exists', async () => {
    const body = await expectError(
      await api.request('/apps', { key: alice.key, method: 'POST', body: jsonBody({ name: uniqueName('stack'), stack: 'cedar-14' }) }),
      422,
      'invalid_params',
    );
    assert.match(body.message, /"cedar-14"/);
    assert.match(body.message, /"berth-24"/);
  });
});

describe('GET, PATCH and DELETE /apps/:app', () => {
  it('finds an app by name and by id', async () => {
    const created = await createApp(alice.key, { name: uniqueName('lookup') });
    const byName = await expectJson<AppJson>(await api.request(`/apps/${created.name}`, { key: alice.key }), 200);
    const byId = await expectJson<AppJson>(await api.request(`/apps/${created.id}`, { key: alice.key }), 200);
    assert.deepEqual(byName, created);
    assert.deepEqual(byId, created);
  });

  it('answers 404 not_found for an app that does not exist', async () => {
    const body = await expectError(await api.request('/apps/no-such-app-here', { key: alice.key }), 404, 'not_found');
    assert.match(body.message, /no-such-app-here/);
  });

  it('renames an app, after which the old name is 404 and the id still resolves', async () => {
    const created = await createApp(alice.key, { name: uniqueName('old') });
    const newName = uniqueName('new');
    const renamed = await expectJson<AppJson>(
      await api.request(`/apps/${created.name}`, { key: alice.key, method: 'PATCH', body: jsonBody({ name: newName }) }),
      200,
    );
    assert.equal(renamed.name, newName);
    assert.equal(renamed.id, created.id);
    assert.equal(renamed.git_url, `https://git.example.test:5443/${newName}.git`);
    await expectError(await api.request(`/apps/${created.name}`, { key: alice.key }), 404, 'not_found');
    assert.equal((await expectJson<AppJson>(await api.request(`/apps/${newName}`, { key: alice.key }), 200)).id, created.id);
    assert.equal((await expectJson<AppJson>(await api.request(`/apps/${created.id}`, { key: alice.key }), 200)).name, newName);
  });

  it('refuses a rename to an invalid name (422) or a taken one (409)', async () => {
    const app = await createApp(alice.key, { name: uniqueName('rn') });
    const other = await createApp(alice.key, { name: uniqueName('rn') });
    const patch = (body: unknown) => api.request(`/apps/${app.name}`, { key: alice.key, method: 'PATCH', body: jsonBody(body) });
    await expectError(await patch({ name: 'Bad_Name' }), 422, 'invalid_params');
    await expectError(await patch({ name: other.name }), 409, 'conflict');
    assert.equal((await expectJson<AppJson>(await api.request(`/apps/${app.id}`, { key: alice.key }), 200)).name, app.name);
  });

  it('turns maintenance on and off, and refuses a non-boolean with 422', async () => {
    const app = await createApp(alice.key, { name: uniqueName('maint') });
    const patch = (body: unknown) => api.request(`/apps/${app.name}`, { key: alice.key, method: 'PATCH', body: jsonBody(body) });
    assert.equal((await expectJson<AppJson>(await patch({ maintenance: true }), 200)).maintenance, true);
    assert.equal((await expectJson<AppJson>(await api.request(`/apps/${app.name}`, { key: alice.key }), 200)).maintenance, true);
    assert.equal((await expectJson<AppJson>(await patch({ maintenance: false }), 200)).maintenance, false);
    const body = await expectError(await patch({ maintenance: 'yes' }), 422, 'invalid_params');
    assert.match(body.message, /maintenance/);
    assert.equal((await expectJson<AppJson>(await api.request(`/apps/${app.name}`, { key: alice.key }), 200)).maintenance, false);
  });

  it('deletes an app, returning it, after which GET is 404', async () => {
    const app = await createApp(alice.key, { name: uniqueName('doomed') });
    const deleted = await expectJson<AppJson>(await api.request(`/apps/${app.name}`, { key: alice.key, method: 'DELETE' }), 200);
    assert.equal(deleted.id, app.id);
    assert.equal(deleted.name, app.name);
    await expectError(await api.request(`/apps/${app.name}`, { key: alice.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.id}`, { key: alice.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}`, { key: alice.key, method: 'DELETE' }), 404, 'not_found');
  });
});

describe('Listing apps', () => {
  const all = { range: 'name ..; max=1000' };

  it('lists only the caller\'s apps under /users/~/apps', async () => {
    const mine = await createApp(alice.key, { name: uniqueName('mine') });
    const theirs = await createApp(bob.key, { name: uniqueName('theirs') });
    const apps = await expectJson<AppJson[]>(await api.request('/users/~/apps', { key: alice.key, headers: all }), 200);
    const names = apps.map((a) => a.name);
    assert.ok(names.includes(mine.name));
    assert.ok(!names.includes(theirs.name));
    assert.ok(apps.every((a) => a.owner.id === alice.accountId));
  });

  it('lists only the caller\'s apps under /apps for a normal user', async () => {
    const mine = await createApp(bob.key, { name: uniqueName('bobs') });
    const theirs = await createApp(alice.key, { name: uniqueName('alices') });
    const apps = await expectJson<AppJson[]>(await api.request('/apps', { key: bob.key, headers: all }), 200);
    const names = apps.map((a) => a.name);
    assert.ok(names.includes(mine.name));
    assert.ok(!names.includes(theirs.name));
    assert.ok(apps.every((a) => a.owner.id === bob.accountId));
  });

  it('lists every user\'s apps under /apps for the admin, each with its real owner', async () => {
    const a = await createApp(alice.key, { name: uniqueName('adm-a') });
    const b = await createApp(bob.key, { name: uniqueName('adm-b') });
    const apps = await expectJson<AppJson[]>(await api.request('/apps', { key: api.adminKey, headers: all }), 200);
    const byName = new Map(apps.map((app) => [app.name, app]));
    assert.equal(byName.get(a.name)?.owner.email, 'alice@example.test');
    assert.equal(byName.get(b.name)?.owner.email, 'bob@example.test');
  });

  it('lists only the admin\'s own apps under /users/~/apps for the admin', async () => {
    const others = await createApp(alice.key, { name: uniqueName('not-admins') });
    const apps = await expectJson<AppJson[]>(await api.request('/users/~/apps', { key: api.adminKey, headers: all }), 200);
    assert.ok(!apps.some((app) => app.name === others.name));
  });
});

describe('Regions and stacks', () => {
  it('lists the one region and finds it by name', async () => {
    const regions = await expectJson<{ name: string }[]>(await api.request('/regions', { key: alice.key }), 200);
    assert.deepEqual(regions.map((r) => r.name), ['local']);
    assert.equal((await expectJson<{ name: string }>(await api.request('/regions/local', { key: alice.key }), 200)).name, 'local');
  });

  it('answers 404 not_found for a region that does not exist', async () => {
    await expectError(await api.request('/regions/eu', { key: alice.key }), 404, 'not_found');
  });

  it('lists the one stack with its Debian base and finds it by name, id or Heroku name', async () => {
    const stacks = await expectJson<{ name: string; id: string; base: string; default: boolean }[]>(await api.request('/stacks', { key: alice.key }), 200);
    assert.deepEqual(stacks.map((s) => [s.name, s.base, s.default]), [['berth-24', 'Debian 13 (trixie)', true]]);
    const id = stacks[0]?.id as string;
    assert.equal((await expectJson<{ name: string }>(await api.request(`/stacks/${id}`, { key: alice.key }), 200)).name, 'berth-24');
    const mapped = await api.request('/stacks/heroku-24', { key: alice.key });
    assert.match(mapped.headers.get('warning-message') ?? '', /heroku-24 is Heroku's/);
    assert.equal((await expectJson<{ name: string }>(mapped, 200)).name, 'berth-24');
    await expectError(await api.request('/stacks/cedar-14', { key: alice.key }), 404, 'not_found');
  });
});

describe('Isolation between users', () => {
  /** The message with the identity replaced, so two 404s can be compared as patterns. */
  const pattern = (message: string, identity: string) => message.split(identity).join('<APP>');

  it('gives another user exactly the same 404 as a nonexistent app for GET, PATCH and DELETE, and leaves the app untouched', async () => {
    const app = await createApp(alice.key, { name: uniqueName('private') });
    const ghost = uniqueName('ghost');
    const attempts: [string, Record<string, unknown> | undefined][] = [
      ['GET', undefined],
      ['PATCH', { maintenance: true }],
      ['PATCH', { name: uniqueName('stolen') }],
      ['DELETE', undefined],
    ];
    for (const [method, body] of attempts) {
      const init = { key: bob.key, method, ...(body ? { body: jsonBody(body) } : {}) };
      for (const identity of [app.name, app.id]) {
        const ghostIdentity = identity === app.id ? '00000000-0000-4000-8000-000000000000' : ghost;
        const denied = await expectError(await api.request(`/apps/${identity}`, init), 404, 'not_found');
        const missing = await expectError(await api.request(`/apps/${ghostIdentity}`, init), 404, 'not_found');
        assert.equal(pattern(denied.message, identity), pattern(missing.message, ghostIdentity), `${method} /apps/${identity}`);
      }
    }
    const untouched = await expectJson<AppJson>(await api.request(`/apps/${app.id}`, { key: alice.key }), 200);
    assert.deepEqual(untouched, app);
  });
});
