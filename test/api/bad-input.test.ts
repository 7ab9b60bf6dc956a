import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startApi, useApi } from '../support/api-harness.js';
import { expectError, expectJson, expectRawError, rawRequest, uniqueName, UUID } from './helpers.js';

const LIMIT = 64 * 1024;

const api = useApi();
const user = api.user('bad-input@example.test');

const post = (path: string, body: string) => api.request(path, { key: user.key, method: 'POST', body });

describe('Malformed JSON bodies', () => {
  for (const body of ['{"name": ', '{name: "x"}', 'not json at all', '{"a":1}}']) {
    it(`answers the malformed body ${JSON.stringify(body)} with 400 bad_request`, async () => {
      const error = await expectError(await post('/apps', body), 400, 'bad_request');
      assert.match(error.message, /JSON/);
    });
  }

  for (const body of ['[]', '[{"name":"x"}]', '"a string"', '42', 'null', 'true']) {
    it(`answers the JSON body ${body}, which is not an object, with 400 bad_request`, async () => {
      const error = await expectError(await post('/apps', body), 400, 'bad_request');
      assert.match(error.message, /object/);
    });
  }

  it('treats an empty body as an empty object', async () => {
    const app = await expectJson(await api.request('/apps', { key: user.key, method: 'POST', body: '' }), 201);
    assert.equal(typeof app.name, 'string');
  });

  it('refuses a bad body on PATCH /account and PATCH /apps/:app as well', async () => {
    await expectError(await api.request('/account', { key: user.key, method: 'PATCH', body: '{oops' }), 400, 'bad_request');
    const name = uniqueName('badpatch');
    await expectJson(await post('/apps', JSON.stringify({ name })), 201);
    await expectError(await api.request(`/apps/${name}`, { key: user.key, method: 'PATCH', body: '[1,2]' }), 400, 'bad_request');
  });
});

describe('Malformed request targets', () => {
  for (const target of ['//[', 'http://[']) {
    it(`answers the unparseable request target ${JSON.stringify(target)} with 400 bad_request, not 500`, async () => {
      const res = await rawRequest(api.url, target, { headers: { authorization: `Bearer ${user.key}` } });
      expectRawError(res, 400, 'bad_request');
    });
  }

  it('answers a path with a broken percent-escape with 404, not 500', async () => {
    const res = await rawRequest(api.url, '/apps/%E0%A4%A', { headers: { authorization: `Bearer ${user.key}` } });
    expectRawError(res, 404, 'not_found');
  });
});

describe('Oversized bodies', () => {
  const oversized = () => {
    const padding = 'x'.repeat(LIMIT + 1);
    return Buffer.from(JSON.stringify({ name: uniqueName('big'), padding }));
  };

  it('answers a body over the limit with an honest Content-Length with 413 payload_too_large', async () => {
    const res = await rawRequest(api.url, '/apps', {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json' },
      body: [oversized()],
      contentLength: true,
    });
    const error = expectRawError(res, 413, 'payload_too_large');
    assert.match(error.message, new RegExp(String(LIMIT)));
  });

  it('answers a chunked body that grows over the limit, with no Content-Length, with 413 payload_too_large', async () => {
    const whole = oversized();
    const chunks: Buffer[] = [];
    for (let at = 0; at < whole.length; at += 8 * 1024) chunks.push(whole.subarray(at, at + 8 * 1024));
    const res = await rawRequest(api.url, '/apps', {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json' },
      body: chunks,
    });
    expectRawError(res, 413, 'payload_too_large');
  });

  it('creates nothing for a refused body and keeps serving afterwards', async () => {
    const body = oversized();
    const name = (JSON.parse(body.toString()) as { name: string }).name;
    const res = await rawRequest(api.url, '/apps', {
      method: 'POST',
      headers: { authorization: `Bearer ${user.key}`, 'content-type': 'application/json' },
      body: [body],
      contentLength: true,
    });
    expectRawError(res, 413, 'payload_too_large');
    await expectError(await api.request(`/apps/${name}`, { key: user.key }), 404, 'not_found');
  });

  it('accepts a body just under the limit', async () => {
    const name = uniqueName('fits');
    const skeleton = JSON.stringify({ name, padding: '' });
    const body = JSON.stringify({ name, padding: 'x'.repeat(LIMIT - Buffer.byteLength(skeleton)) });
    assert.equal(Buffer.byteLength(body), LIMIT);
    await expectJson(await post('/apps', body), 201);
  });
});

describe('Internal errors', () => {
  it('answers 500 internal_server_error when the store fails, and logs the event under the response\'s Request-Id', async () => {
    const broken = await startApi();
    try {
      await broken.store.close();
      const res = await broken.request('/account', { key: broken.adminKey });
      const requestId = res.headers.get('request-id');
      const body = await expectError(res, 500, 'internal_server_error');
      assert.match(body.message, /Request-Id/);
      assert.match(requestId ?? '', UUID);
      const event = broken.logged.find((e) => e.request_id === requestId);
      assert.ok(event, `no logged event for request ${requestId}: ${JSON.stringify(broken.logged)}`);
      assert.equal(event.path, '/account');
      assert.equal(typeof event.error, 'string');
      // The response does not leak the internal error.
      assert.ok(!body.message.includes(String(event.error).split("\n")[0] ?? ""));
    } finally {
      await broken.close();
    }
  });
});
