import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PartnerTokens } from '../../src/accounts/partner-tokens.js';
import { parseAddonManifest } from '../../src/core/addon-manifest.js';
import { PlatformError } from '../../src/core/errors.js';
import { openStore } from '../../src/store/open-store.js';
import type { KyselyStore } from '../../src/store/kysely-store.js';
import { partnerManifest } from '../support/partner-server.js';

let dir: string;
let store: KyselyStore;
let now = new Date('2026-01-01T00:00:00Z');
let tokens: PartnerTokens;
const SECRET = 'partner-secret-password';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-partner-tokens-'));
  store = await openStore({ kind: 'sqlite', path: join(dir, 'state.sqlite') });
  await store.addonProviders.create(parseAddonManifest(partnerManifest('https://partner.example.test')));
  tokens = new PartnerTokens(store, () => now);
});
after(async () => {
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const unauthorized = (message: RegExp) => (err: unknown) => err instanceof PlatformError && err.id === 'unauthorized' && message.test(err.message);
const later = (seconds: number) => {
  now = new Date(now.getTime() + seconds * 1000);
};

describe('partner OAuth tokens', () => {
  it('a grant must be exchanged within 5 minutes', async () => {
    const grant = await tokens.issue('acme-kv', 'addon-1');
    assert.equal(grant.expiresAt, new Date(now.getTime() + 300_000).toISOString());
    later(301);
    await assert.rejects(tokens.exchange({ grantType: 'authorization_code', code: grant.code, clientSecret: SECRET }), unauthorized(/expired/));
  });

  it('an access token is good for its add-on for 8 hours, then only the refresh token helps', async () => {
    const grant = await tokens.issue('acme-kv', 'addon-2');
    const issued = await tokens.exchange({ grantType: 'authorization_code', code: grant.code, clientSecret: SECRET });
    assert.deepEqual(await tokens.authenticate(issued.accessToken), { providerId: 'acme-kv', addonId: 'addon-2' });
    assert.equal(await tokens.authenticate(issued.refreshToken), undefined, 'a refresh token is not an access token');
    later(8 * 3600);
    assert.equal(await tokens.authenticate(issued.accessToken), undefined);
    const renewed = await tokens.exchange({ grantType: 'refresh_token', refreshToken: issued.refreshToken, clientSecret: SECRET });
    assert.deepEqual(await tokens.authenticate(renewed.accessToken), { providerId: 'acme-kv', addonId: 'addon-2' });
  });

  it('revoking an add-on’s tokens ends its access and its refresh token', async () => {
    const grant = await tokens.issue('acme-kv', 'addon-3');
    const issued = await tokens.exchange({ grantType: 'authorization_code', code: grant.code, clientSecret: SECRET });
    await tokens.revoke('addon-3');
    assert.equal(await tokens.authenticate(issued.accessToken), undefined);
    await assert.rejects(tokens.exchange({ grantType: 'refresh_token', refreshToken: issued.refreshToken, clientSecret: SECRET }), unauthorized(/refresh token is unknown or revoked/));
  });

  it('only hashes are stored', async () => {
    const grant = await tokens.issue('acme-kv', 'addon-4');
    assert.equal(await store.addonProviders.findToken(grant.code), undefined);
  });
});
