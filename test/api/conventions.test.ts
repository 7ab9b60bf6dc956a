import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { startApi, useApi } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody, rawRequest, uniqueName, UUID } from './helpers.js';

const api = useApi();

describe('Request-Id', () => {
  it('is a fresh uuid on every successful response', async () => {
    const first = await api.request('/account', { key: api.adminKey });
    const second = await api.request('/account', { key: api.adminKey });
    await expectJson(first, 200);
    await expectJson(second, 200);
    assert.match(first.headers.get('request-id') ?? '', UUID);
    assert.match(second.headers.get('request-id') ?? '', UUID);
    assert.notEqual(first.headers.get('request-id'), second.headers.get('request-id'));
  });

  it('is present on error responses too (401, 404, 400)', async () => {
    await expectError(await api.request('/account'), 401, 'unauthorized');
    await expectError(await api.request('/no/such/thing', { key: api.adminKey }), 404, 'not_found');
    await expectError(await api.request('/account', { key: api.adminKey, headers: { accept: 'application/vnd.heroku+json' } }), 400, 'missing_version');
  });
});

describe('Accept header', () => {
  for (const accept of [
    'application/vnd.heroku+json; version=3',
    'application/vnd.heroku+json; version=3.sdk',
    'application/vnd.heroku+json; version=3.filters',
    'application/json',
  ]) {
    it(`accepts "${accept}"`, async () => {
      const body = await expectJson(await api.request('/account', { key: api.adminKey, headers: { accept } }), 200);
      assert.equal(body.email, 'admin@example.test');
    });
  }

  it('accepts a request with no Accept header at all', async () => {
    const res = await rawRequest(api.url, '/account', { headers: { authorization: `Bearer ${api.adminKey}` } });
    assert.equal(res.status, 200, res.text);
    assert.match(String(res.headers['request-id']), UUID);
    assert.equal((JSON.parse(res.text) as { email: string }).email, 'admin@example.test');
  });

  it('refuses the Heroku media type without a version with 400 missing_version', async () => {
    const body = await expectError(
      await api.request('/account', { key: api.adminKey, headers: { accept: 'application/vnd.heroku+json' } }),
      400,
      'missing_version',
    );
    assert.match(body.message, /version=3/);
  });

  it('refuses version=2 with 406 not_acceptable', async () => {
    const body = await expectError(
      await api.request('/account', { key: api.adminKey, headers: { accept: 'application/vnd.heroku+json; version=2' } }),
      406,
      'not_acceptable',
    );
    assert.match(body.message, /version 2/);
  });
});

describe('Errors and routing', () => {
  it('answers an unknown path with 404 not_found whose body is exactly {id, message}', async () => {
    const body = await expectError(await api.request('/definitely/not/here', { key: api.adminKey }), 404, 'not_found');
    assert.match(body.message, /\/definitely\/not\/here/);
  });

  it('answers a wrong verb on a known path with 404 naming the allowed verb', async () => {
    const body = await expectError(await api.request('/regions', { key: api.adminKey, method: 'DELETE' }), 404, 'not_found');
    assert.match(body.message, /DELETE/);
    assert.match(body.message, /\bGET\b/);

    const onApp = await expectError(await api.request('/apps/some-app', { key: api.adminKey, method: 'PUT', body: '{}' }), 404, 'not_found');
    for (const verb of ['GET', 'PATCH', 'DELETE']) assert.match(onApp.message, new RegExp(`\\b${verb}\\b`));
  });
});

describe('Rate limiting', () => {
  it('sends RateLimit-Remaining and counts it down request by request', async () => {
    const { key } = await api.createUser('ratelimit-counter@example.test');
    const first = await api.request('/account', { key });
    const second = await api.request('/account', { key });
    await expectJson(first, 200);
    await expectJson(second, 200);
    const a = Number(first.headers.get('ratelimit-remaining'));
    const b = Number(second.headers.get('ratelimit-remaining'));
    assert.ok(Number.isInteger(a) && a > 0, `RateLimit-Remaining was ${first.headers.get('ratelimit-remaining')}`);
    assert.equal(b, a - 1);
  });

  it('answers 429 rate_limit once an account has used up its hourly allowance', async () => {
    const limited = await startApi({ overrides: { rateLimitPerHour: 3 } });
    try {
      const { key } = await limited.createUser('ratelimit-low@example.test');
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await limited.request('/account', { key });
        await expectJson(res, 200);
        remaining.push(res.headers.get('ratelimit-remaining') ?? '');
      }
      assert.deepEqual(remaining, ['2', '1', '0']);
      const fourth = await limited.request('/account', { key });
      assert.equal(fourth.headers.get('ratelimit-remaining'), '0');
      await expectError(fourth, 429, 'rate_limit');
      // Another account has its own allowance.
      await expectJson(await limited.request('/account', { key: limited.adminKey }), 200);
    } finally {
      await limited.close();
    }
  });
});

describe('Range pagination on GET /apps', () => {
  let key: string;
  let names: string[];

  before(async () => {
    ({ key } = await api.createUser('ranger@example.test'));
    names = ['e', 'b', 'd', 'a', 'c'].map((letter) => uniqueName(`rng-${letter}`));
    for (const name of names) {
      await expectJson(await api.request('/apps', { key, method: 'POST', body: jsonBody({ name }) }), 201);
    }
    names.sort();
  });

  const list = (range?: string) => api.request('/apps', { key, headers: range === undefined ? {} : { range } });
  const namesOf = (apps: { name: string }[]) => apps.map((app) => app.name);

  it('returns everything with 200 when no Range is sent', async () => {
    const res = await list();
    const apps = await expectJson<{ name: string }[]>(res, 200);
    // The default order is by id (as on Heroku); the CLI sorts by name itself.
    assert.deepEqual(namesOf(apps).sort(), names);
    assert.equal(res.headers.get('next-range'), null);
  });

  it('returns 206 with two items and a Next-Range for "name ..; max=2"', async () => {
    const res = await list('name ..; max=2');
    const apps = await expectJson<{ name: string }[]>(res, 206);
    assert.deepEqual(namesOf(apps), names.slice(0, 2));
    assert.ok(res.headers.get('next-range'), 'Next-Range header missing');
    assert.ok(res.headers.get('content-range'), 'Content-Range header missing');
  });

  it('walks every page by echoing Next-Range back until a final 200', async () => {
    const seen: string[] = [];
    const statuses: number[] = [];
    let range: string | null = 'name ..; max=2';
    while (range !== null) {
      assert.ok(statuses.length < 10, 'pagination does not end');
      const res = await list(range);
      statuses.push(res.status);
      seen.push(...namesOf(await expectJson<{ name: string }[]>(res, res.status === 206 ? 206 : 200)));
      range = res.headers.get('next-range');
    }
    assert.deepEqual(statuses, [206, 206, 200]);
    assert.deepEqual(seen, names);
  });

  it('honours order=desc, on the first page and when following Next-Range', async () => {
    const res = await list('name ..; max=2, order=desc');
    const first = await expectJson<{ name: string }[]>(res, 206);
    const reversed = [...names].reverse();
    assert.deepEqual(namesOf(first), reversed.slice(0, 2));
    const next = res.headers.get('next-range');
    assert.ok(next);
    const second = await expectJson<{ name: string }[]>(await list(next), 206);
    assert.deepEqual(namesOf(second), reversed.slice(2, 4));
  });

  it('accepts options separated by a comma with no space ("name ..; order=desc,max=1")', async () => {
    const apps = await expectJson<{ name: string }[]>(await list('name ..; order=desc,max=1'), 206);
    assert.deepEqual(namesOf(apps), [names[names.length - 1]]);
  });

  it('accepts a trailing semicolon ("id ..; max=1000;")', async () => {
    const apps = await expectJson<{ id: string; name: string }[]>(await list('id ..; max=1000;'), 200);
    assert.equal(apps.length, names.length);
    const ids = apps.map((app) => app.id);
    assert.deepEqual(ids, [...ids].sort());
  });

  for (const garbage of ['bogus', 'name ..; max=abc', 'name ..; order=sideways', 'nosuchfield ..', 'name ..; max=0', 'name ..; color=blue', 'name a-z']) {
    it(`answers the malformed Range "${garbage}" with 400 bad_request, never 500`, async () => {
      await expectError(await list(garbage), 400, 'bad_request');
    });
  }
});
