import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { expectError, expectJson } from './helpers.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIBtest\n-----END CERTIFICATE-----\n';

describe('GET /instance with a local CA', () => {
  const api = useApi({ overrides: { localCaCertificate: PEM } });

  it('tells any account the git URL prefix and the local CA certificate', async () => {
    const user = await api.createUser('instance-user@example.test');
    const body = await expectJson(await api.request('/instance', { key: user.key }), 200);
    assert.deepEqual(body, { git_url_prefix: 'https://git.example.test:5443/', ca_certificate: PEM });
  });

  it('needs an API key', async () => {
    await expectError(await api.request('/instance'), 401, 'unauthorized');
  });
});

describe('GET /instance with publicly trusted certificates', () => {
  const api = useApi();

  it('answers a null ca_certificate', async () => {
    const body = await expectJson(await api.request('/instance', { key: api.adminKey }), 200);
    assert.equal(body.ca_certificate, null);
    assert.equal(body.git_url_prefix, 'https://git.example.test:5443/');
  });
});
