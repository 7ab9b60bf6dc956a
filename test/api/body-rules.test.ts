import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody, uniqueName } from './helpers.js';

const api = useApi({ overrides: { bodyDeadlineMs: 300 } });
const user = api.user('bodies@example.test');

const appCount = async () => (await expectJson<unknown[]>(await api.request('/apps', { key: user.key }), 200)).length;

describe('JSON bodies', () => {
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '']) {
    it(`refuses a body sent as ${JSON.stringify(type)} with 415 and creates nothing`, async () => {
      const before = await appCount();
      const res = await api.request('/apps', { method: 'POST', key: user.key, body: jsonBody({ name: uniqueName('mt') }), headers: { 'content-type': type } });
      const error = await expectError(res, 415, 'unsupported_media_type');
      assert.match(error.message, /Content-Type: application\/json/);
      assert.equal(await appCount(), before);
    });
  }

  for (const type of ['application/json', 'application/json; charset=utf-8', 'application/vnd.heroku+json; version=3']) {
    it(`accepts a body sent as ${type}`, async () => {
      await expectJson(await api.request('/apps', { method: 'POST', key: user.key, body: jsonBody({ name: uniqueName('ok') }), headers: { 'content-type': type } }), 201);
    });
  }

  it('accepts a bodiless POST without a Content-Type', async () => {
    await expectJson(await api.request('/apps', { method: 'POST', key: user.key }), 201);
  });

  it('answers a body that stops arriving with 408 and closes the connection', async () => {
    const before = await appCount();
    const url = new URL(api.url);
    const socket = connect(Number(url.port), url.hostname);
    socket.write(
      `POST /apps HTTP/1.1\r\nHost: ${url.host}\r\nAccept: application/vnd.heroku+json; version=3\r\nAuthorization: Bearer ${user.key}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":`,
    );
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      socket.on('data', (chunk: Buffer) => chunks.push(chunk));
      socket.on('close', () => resolve());
      socket.on('error', reject);
    });
    const text = Buffer.concat(chunks).toString('utf8');
    assert.match(text, /^HTTP\/1\.1 408 /);
    assert.match(text, /"id":"request_timeout"/);
    assert.equal(await appCount(), before);
  });
});
