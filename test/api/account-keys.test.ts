import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { makeKeyPair, sshKeygenFingerprint, type KeyPair } from '../support/ssh-keys.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface KeyJson {
  id: string;
  comment: string;
  email: string;
  fingerprint: string;
  public_key: string;
  created_at: string;
  updated_at: string;
}

const api = useApi();
const dev = api.user('keys-dev@example.com');
const other = api.user('keys-other@example.com');
let dir: string;
const pairs: KeyPair[] = [];
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-keys-api-'));
  pairs.push(...await Promise.all([
    makeKeyPair(dir, 'ed25519', 'dev@laptop'),
    makeKeyPair(dir, 'ecdsa', ''),
    makeKeyPair(dir, 'rsa', 'weak', 1024),
    makeKeyPair(dir, 'ed25519', 'other@laptop'),
  ]));
});
after(() => rm(dir, { recursive: true, force: true }));

const add = (publicKey: unknown, key = dev.key) => api.request('/account/keys', { key, method: 'POST', body: jsonBody({ public_key: publicKey }) });
const list = (key = dev.key) => api.request('/account/keys', { key });

describe('/account/keys', () => {
  it("adds a key in Heroku's shape, lists it, finds it by id and fingerprint, and deletes it", async () => {
    const [ed] = pairs;
    const created = await expectJson<KeyJson>(await add(`${ed!.publicLine}\n`), 201);
    assert.match(created.id, UUID);
    assert.equal(created.comment, 'dev@laptop');
    assert.equal(created.email, 'dev@laptop');
    assert.equal(created.public_key, ed!.publicLine);
    assert.equal(created.fingerprint, await sshKeygenFingerprint(ed!.publicPath, 'md5'));
    assert.deepEqual((await expectJson<KeyJson[]>(await list(), 200)).map((k) => k.id), [created.id]);
    assert.equal((await expectJson<KeyJson>(await api.request(`/account/keys/${created.fingerprint}`, { key: dev.key }), 200)).id, created.id);
    await expectJson(await api.request(`/account/keys/${created.id}`, { key: dev.key, method: 'DELETE' }), 200);
    assert.deepEqual(await expectJson<KeyJson[]>(await list(), 200), []);
    await expectError(await api.request(`/account/keys/${created.id}`, { key: dev.key }), 404, 'not_found');
  });

  it("uses the account's email when the key has no comment", async () => {
    const created = await expectJson<KeyJson>(await add(pairs[1]!.publicLine), 201);
    assert.equal(created.comment, '');
    assert.equal(created.email, 'keys-dev@example.com');
    await expectJson(await api.request(`/account/keys/${created.id}`, { key: dev.key, method: 'DELETE' }), 200);
  });

  it('refuses a malformed key and a short RSA key with 422 and stores nothing', async () => {
    const malformed = await expectError(await add('ssh-ed25519 AAAAthis-is-not-a-key'), 422, 'invalid_params');
    assert.match(malformed.message, /malformed/);
    const weak = await expectError(await add(pairs[2]!.publicLine), 422, 'invalid_params');
    assert.match(weak.message, /2048 bits/);
    await expectError(await api.request('/account/keys', { key: dev.key, method: 'POST', body: jsonBody({}) }), 422, 'invalid_params');
    assert.deepEqual(await expectJson<KeyJson[]>(await list(), 200), []);
  });

  it("refuses a duplicate key and another user's key with 409, saying which", async () => {
    const mine = await expectJson<KeyJson>(await add(pairs[3]!.publicLine, other.key), 201);
    const twice = await expectError(await add(pairs[3]!.publicLine, other.key), 409, 'conflict');
    assert.match(twice.message, /already on your account/);
    const stolen = await expectError(await add(pairs[3]!.publicLine), 409, 'conflict');
    assert.match(stolen.message, /belongs to another Berth account/);
    assert.deepEqual(await expectJson<KeyJson[]>(await list(), 200), []);
    assert.deepEqual((await expectJson<KeyJson[]>(await list(other.key), 200)).map((k) => k.id), [mine.id]);
  });

  it("answers another user's key id with 404 and leaves it in place", async () => {
    const [theirs] = await expectJson<KeyJson[]>(await list(other.key), 200);
    assert.ok(theirs, 'the other user has a key (from the test before)');
    await expectError(await api.request(`/account/keys/${theirs.id}`, { key: dev.key, method: 'DELETE' }), 404, 'not_found');
    await expectError(await api.request(`/account/keys/${theirs.id}`, { key: dev.key }), 404, 'not_found');
    assert.equal((await expectJson<KeyJson[]>(await list(other.key), 200)).length, 1);
  });

  it('needs an API key', async () => {
    await expectError(await api.request('/account/keys'), 401, 'unauthorized');
  });
});
