// The Store contract: automatic (ACME) certificates, one row per hostname.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AcmeCertificateState } from '../../src/store/port.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const MISSING = '00000000-0000-4000-8000-000000000000';

const pending = (appId: string, hostname: string): AcmeCertificateState => ({
  hostname, appId, status: 'pending', reason: null, certificate: null, privateKey: null, expiresAt: null, failures: 0, nextAttemptAt: '2024-01-01T00:00:00.000Z',
});

export function acmeCertificatesContract({ open }: ContractContext): void {
  describe('acme certificates', () => {
    it('a saved hostname round-trips every field, lower-cased, and a second save replaces it but keeps created_at', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const first = await store.acmeCertificates.save(pending(appId, 'WWW.Example.com'));
      assert.deepEqual(first, { ...pending(appId, 'www.example.com'), createdAt: first.createdAt, updatedAt: first.createdAt });
      const issued: AcmeCertificateState = {
        ...pending(appId, 'www.example.com'), status: 'ok', certificate: 'CHAIN', privateKey: 'KEY', expiresAt: '2024-04-01T00:00:00.000Z', nextAttemptAt: '2024-03-02T00:00:00.000Z',
      };
      const second = await store.acmeCertificates.save(issued);
      assert.deepEqual(second, { ...issued, createdAt: first.createdAt, updatedAt: second.updatedAt });
      assert.notEqual(second.updatedAt, first.updatedAt);
      assert.deepEqual(await store.acmeCertificates.find('www.EXAMPLE.com'), second);
    });

    it('list gives every app’s rows or one app’s, by hostname; remove drops one row', async () => {
      const store = await open(steppingClock());
      const a = await appWithOwner(store, 'acme-a');
      const b = await appWithOwner(store, 'acme-b');
      await store.acmeCertificates.save(pending(a.appId, 'z.example.com'));
      await store.acmeCertificates.save(pending(a.appId, 'a.example.com'));
      await store.acmeCertificates.save(pending(b.appId, 'm.example.com'));
      assert.deepEqual((await store.acmeCertificates.list()).map((c) => c.hostname), ['a.example.com', 'm.example.com', 'z.example.com']);
      assert.deepEqual((await store.acmeCertificates.list(a.appId)).map((c) => c.hostname), ['a.example.com', 'z.example.com']);
      assert.equal(await store.acmeCertificates.remove('a.example.com'), true);
      assert.equal(await store.acmeCertificates.remove('a.example.com'), false);
      assert.deepEqual((await store.acmeCertificates.list(a.appId)).map((c) => c.hostname), ['z.example.com']);
    });

    it('saving for a missing app is not_found, and an app’s rows go with it', async () => {
      const store = await open(steppingClock());
      await assert.rejects(store.acmeCertificates.save(pending(MISSING, 'x.example.com')), platformError('not_found'));
      const { appId } = await appWithOwner(store);
      await store.acmeCertificates.save(pending(appId, 'gone.example.com'));
      await store.apps.delete(appId);
      assert.equal(await store.acmeCertificates.find('gone.example.com'), undefined);
    });
  });
}
