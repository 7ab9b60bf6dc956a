import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { expectError, expectJson, jsonBody, uniqueName } from './helpers.js';

let api: ApiHarness;
let key: string;
let app: string;
before(async () => {
  api = await startApi();
  key = (await api.createUser('untrusted@example.test')).key;
  app = uniqueName('text');
  await expectJson(await api.request('/apps', { method: 'POST', key, body: jsonBody({ name: app }) }), 201);
});
after(async () => {
  await api.close();
});

const post = (path: string, body: unknown) => api.request(`/apps/${app}${path}`, { method: 'POST', key, body: jsonBody(body) });

const TERMINAL_ATTACKS = ['\x1b]0;owned\x07', 'v1\x1b[2J', 'ok\rforged', 'two\nRelease v99 created by user admin@example.test', 'csi\u009b31m', 'del\x7f'];

describe('Control characters in tenant text', () => {
  for (const attack of TERMINAL_ATTACKS) {
    it(`refuses the release description ${JSON.stringify(attack)} with 422 naming the field`, async () => {
      const error = await expectError(await post('/releases', { slug: '01234567-89ab-4def-8123-456789abcdef', description: attack }), 422, 'invalid_params');
      assert.match(error.message, /description must not contain control characters \(found U\+[0-9A-F]{4}\)/);
    });

    it(`refuses the build version ${JSON.stringify(attack)} and records no build`, async () => {
      const error = await expectError(await post('/builds', { source_blob: { url: 'https://example.test/s.tgz', version: attack } }), 422, 'invalid_params');
      assert.match(error.message, /version must not contain control characters/);
      assert.deepEqual(await expectJson(await api.request(`/apps/${app}/builds`, { key }), 200), []);
    });

    it(`refuses the drain URL https://logs.example.test/${JSON.stringify(attack)}`, async () => {
      await expectError(await post('/log-drains', { url: `https://logs.example.test/${attack}` }), 422, 'invalid_params');
      assert.deepEqual(await expectJson(await api.request(`/apps/${app}/log-drains`, { key }), 200), []);
    });
  }

  it('keeps newlines and tabs in a commit description but refuses an escape sequence there', async () => {
    const slug = await expectJson<{ commit_description: string }>(await post('/slugs', { process_types: { web: 'node server.js' }, commit_description: 'Fix the thing\n\n\tDetails' }), 201);
    assert.equal(slug.commit_description, 'Fix the thing\n\n\tDetails');
    const error = await expectError(await post('/slugs', { process_types: { web: 'node server.js' }, commit_description: 'title\x1b]8;;https://evil.example\x07' }), 422, 'invalid_params');
    assert.match(error.message, /commit_description must not contain control characters .*newlines and tabs are fine/);
  });
});
