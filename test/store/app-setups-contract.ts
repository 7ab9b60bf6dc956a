// The Store contract: app setups (POST /app-setups) and their progress.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { steppingClock, type ContractContext } from './contract-support.js';

export function appSetupsContract({ open }: ContractContext): void {
  describe('app setups', () => {
    it('starts pending, records progress field by field, and ignores progress once it ended', async () => {
      const store = await open(steppingClock());
      const account = await store.accounts.create({ email: `setup-${Date.now()}@example.test`, passwordHash: null });
      const setup = await store.appSetups.create(account.id);
      assert.equal(setup.status, 'pending');
      assert.deepEqual(setup.manifestErrors, []);
      assert.equal(setup.postdeploy, null);
      const progressed = await store.appSetups.update(setup.id, { appId: 'a1', appName: 'shiny', buildId: 'b1' });
      assert.deepEqual([progressed?.appId, progressed?.appName, progressed?.buildId, progressed?.status], ['a1', 'shiny', 'b1', 'pending']);
      const done = await store.appSetups.update(setup.id, { status: 'failed', failureMessage: 'no', manifestErrors: ['env.X: is required'], postdeploy: { output: 'hi\n', exitCode: 3 } });
      assert.equal(done?.status, 'failed');
      assert.deepEqual(done?.manifestErrors, ['env.X: is required']);
      assert.deepEqual(done?.postdeploy, { output: 'hi\n', exitCode: 3 });
      const after = await store.appSetups.update(setup.id, { status: 'succeeded', failureMessage: null });
      assert.deepEqual([after?.status, after?.failureMessage], ['failed', 'no']);
      assert.equal(await store.appSetups.find('00000000-0000-4000-8000-000000000000'), undefined);
    });

    it('fails every pending setup at once with a message, leaving ended ones alone', async () => {
      const store = await open(steppingClock());
      const account = await store.accounts.create({ email: `setup-stale-${Date.now()}@example.test`, passwordHash: null });
      const running = await store.appSetups.create(account.id);
      const ended = await store.appSetups.create(account.id);
      await store.appSetups.update(ended.id, { status: 'succeeded' });
      const failed = await store.appSetups.failPending('Berth restarted during the setup.');
      assert.ok(failed.includes(running.id));
      assert.ok(!failed.includes(ended.id));
      assert.equal((await store.appSetups.find(running.id))?.failureMessage, 'Berth restarted during the setup.');
      assert.equal((await store.appSetups.find(ended.id))?.status, 'succeeded');
    });
  });
}
