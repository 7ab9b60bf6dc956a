import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { STALE_ADDON_MESSAGE } from '../../src/api/addon-provisioning.js';
import { openStore } from '../../src/store/open-store.js';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { createApp } from '../support/spine.js';

/**
 * A control plane killed with SIGKILL while a provider was provisioning leaves the add-on
 * `provisioning` in the store with no provider answer recorded. The next `bin/berth up` must fail
 * it (not leave it provisioning forever) before it serves requests, and leave the app's config
 * untouched.
 */
describe('bin/berth up after a control plane died while provisioning an add-on', () => {
  let first: BerthProcess | undefined;
  let second: BerthProcess | undefined;
  const app = `stale-addon-${suffix()}`;

  before(async () => {
    first = await startBerth();
    await createApp(first, app);
  });
  after(async () => {
    const left = await shutDown(second ?? first);
    await first?.stop();
    assert.deepEqual(left, [], 'no process of Berth outlives the test');
  });

  it('marks the add-on failed with the reason, drops its attachment and keeps the config', async () => {
    const killed = first as BerthProcess;
    const config = await api(killed, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify({ KEEP: 'me' }) });
    assert.equal(config.status, 200);
    assert.equal(await killed.stop('SIGKILL'), null);

    // What the killed control plane had written just before calling the provider.
    const store = await openStore({ kind: 'sqlite', path: join(killed.dataDir, 'state.sqlite') });
    let addonId: string;
    try {
      const record = await store.apps.findByName(app);
      assert.ok(record);
      const addon = await store.addons.create({ appId: record.id, name: `half-${app}`, service: 'heroku-postgresql', plan: 'essential-0' });
      await store.addonAttachments.create({ addonId: addon.id, appId: record.id, name: 'DATABASE' });
      addonId = addon.id;
    } finally {
      await store.close();
    }

    second = await startBerth({ dataDir: killed.dataDir });
    const addon = await api(second, `/addons/${addonId}`);
    assert.equal(addon.status, 200, JSON.stringify(addon.body));
    assert.equal(addon.body.state, 'failed');
    assert.equal(addon.body.berth_state_message, STALE_ADDON_MESSAGE);
    assert.deepEqual((await api(second, `/apps/${app}/addon-attachments`)).body, []);
    assert.deepEqual((await api(second, `/apps/${app}/config-vars`)).body, { KEEP: 'me' });
    assert.match(second.output(), /marked add-ons left provisioning by a crash as failed/);
  });
});
