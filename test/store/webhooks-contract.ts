// The Store contract, part 9: app webhooks, their events and deliveries (the sender's queue).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { AttemptOutcome, Store } from '../../src/store/port.js';
import { platformError, steppingClock, type ContractContext } from './contract-support.js';
import { appWithOwner } from './release-support.js';

const hook = (store: Store, appId: string, include: Array<'api:release' | 'dyno' | 'api:app'>, level: 'notify' | 'sync' = 'sync', limit = 10) =>
  store.webhooks.create({ appId, url: 'https://hooks.example.com/in', include, level, secret: 's3cret', authorization: 'Bearer t', limit });

const failedOnce = (at: string, next: string | null): AttemptOutcome => ({
  attempt: { id: '11111111-1111-4111-8111-111111111111', code: 500, errorClass: null, status: 'failed', createdAt: at, updatedAt: at },
  status: next === null ? 'failed' : 'retrying',
  nextAttemptAt: next,
});

export function webhooksContract({ open }: ContractContext): void {
  describe('app webhooks', () => {
    it('a webhook is stored with its secret and authorization, updated in part and deleted', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const created = await hook(store, appId, ['api:release', 'dyno']);
      assert.deepEqual(await store.webhooks.find(appId, created.id), created);
      assert.equal(created.secret, 's3cret');
      assert.equal(created.authorization, 'Bearer t');
      const updated = await store.webhooks.update(appId, created.id, { level: 'notify', include: ['api:app'] });
      assert.equal(updated?.level, 'notify');
      assert.deepEqual(updated?.include, ['api:app']);
      assert.equal(updated?.url, created.url, 'fields not given stay');
      assert.deepEqual((await store.webhooks.delete(appId, created.id))?.id, created.id);
      assert.deepEqual(await store.webhooks.list(appId), []);
      assert.equal(await store.webhooks.delete(appId, created.id), undefined);
    });

    it('an app has at most the limit of webhooks', async () => {
      const store = await open();
      const { appId } = await appWithOwner(store);
      await hook(store, appId, ['dyno'], 'sync', 2);
      await hook(store, appId, ['dyno'], 'sync', 2);
      await assert.rejects(hook(store, appId, ['dyno'], 'sync', 2), platformError('invalid_params', /2 webhooks/));
    });

    it('an event makes a due delivery for each webhook that includes its entity, and only those', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      const releases = await hook(store, appId, ['api:release']);
      await hook(store, appId, ['dyno']);
      const { event, deliveries } = await store.webhooks.recordEvent({ id: 'e0000000-0000-4000-8000-000000000001', appId, include: 'api:release', payload: { action: 'create' }, keepEvents: 100 });
      assert.equal(deliveries.length, 1);
      assert.equal(deliveries[0]?.webhookId, releases.id);
      assert.equal(deliveries[0]?.status, 'pending');
      assert.deepEqual(await store.webhooks.findEvent(appId, event.id), event);
      const due = await store.webhooks.due('2030-01-01T00:00:00.000Z', 10);
      assert.deepEqual(due.map((d) => [d.delivery.id, d.webhook.id, d.event.id]), [[deliveries[0]?.id, releases.id, event.id]]);
      assert.equal(await store.webhooks.nextDue(), deliveries[0]?.nextAttemptAt);
    });

    it('an attempt is recorded: retrying waits for its time, failed and succeeded leave the queue', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      await hook(store, appId, ['dyno']);
      const { deliveries } = await store.webhooks.recordEvent({ id: 'e0000000-0000-4000-8000-000000000002', appId, include: 'dyno', payload: {}, keepEvents: 100 });
      const id = deliveries[0]?.id as string;
      const retrying = await store.webhooks.recordAttempt(id, failedOnce('2024-01-01T00:01:00.000Z', '2024-01-01T00:02:00.000Z'));
      assert.equal(retrying?.status, 'retrying');
      assert.equal(retrying?.numAttempts, 1);
      assert.equal(retrying?.lastAttempt?.code, 500);
      assert.deepEqual(await store.webhooks.due('2024-01-01T00:01:30.000Z', 10), [], 'not due before its next attempt');
      assert.equal((await store.webhooks.due('2024-01-01T00:02:00.000Z', 10)).length, 1);
      const failed = await store.webhooks.recordAttempt(id, failedOnce('2024-01-01T00:02:00.000Z', null));
      assert.equal(failed?.status, 'failed');
      assert.equal(failed?.numAttempts, 2);
      assert.deepEqual(await store.webhooks.due('2030-01-01T00:00:00.000Z', 10), []);
      assert.equal(await store.webhooks.nextDue(), undefined);
      assert.deepEqual((await store.webhooks.listDeliveries(appId, 'failed')).map((d) => d.id), [id]);
      assert.deepEqual(await store.webhooks.listDeliveries(appId, 'succeeded'), []);
    });

    it('only the newest events are kept, with their deliveries; the app takes everything with it', async () => {
      const store = await open(steppingClock());
      const { appId } = await appWithOwner(store);
      await hook(store, appId, ['dyno']);
      for (let i = 1; i <= 3; i++) await store.webhooks.recordEvent({ id: `e0000000-0000-4000-8000-00000000001${i}`, appId, include: 'dyno', payload: { n: i }, keepEvents: 2 });
      assert.deepEqual((await store.webhooks.listEvents(appId)).map((e) => e.payload.n), [2, 3]);
      assert.equal((await store.webhooks.listDeliveries(appId)).length, 2);
      await store.apps.delete(appId);
      assert.deepEqual(await store.webhooks.listEvents(appId), []);
      assert.deepEqual(await store.webhooks.due('2030-01-01T00:00:00.000Z', 10), []);
    });
  });
}
