import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, startBerth, type BerthProcess } from '../support/berth-process.js';
import { appRepo, type AppRepo } from '../support/git-push.js';
import { PartnerServer } from '../support/partner-server.js';
import { shutDown, suffix } from '../support/e2e-harness.js';
import { createApp, routerGet, waitForDynos } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

describe('a third-party add-on over the partner API, end to end', () => {
  let berth: BerthProcess;
  let partner: PartnerServer;
  let repo: AppRepo;
  const app = `partner-${suffix()}`;

  before(async () => {
    partner = await PartnerServer.start();
    partner.behaviour = { kind: 'async' };
    berth = await startBerth();
    await createApp(berth, app);
    repo = await appRepo(berth, app, 'env-echo');
    const pushed = await repo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
  });
  after(async () => {
    const left = await shutDown(berth);
    await partner?.close();
    await repo?.remove();
    assert.deepEqual(left, [], 'no agent, router or dyno process outlives berth');
  });

  it('register the manifest, addons:create, the provider calls back: the var is in a release and in the dynos’ env', async () => {
    const registered = await api(berth, '/addon-providers', { method: 'POST', body: JSON.stringify(partner.manifest) });
    assert.equal(registered.status, 201, JSON.stringify(registered.body));
    const created = await api(berth, `/apps/${app}/addons`, { method: 'POST', body: JSON.stringify({ plan: 'acme-kv:test' }) });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.state, 'provisioning');

    const request = partner.provisions().find((r) => r.body?.uuid === created.body.id);
    const callbackUrl = request?.body?.callback_url as string;
    assert.ok(callbackUrl.endsWith(`/addons/${created.body.id}`), callbackUrl);
    const statuses = await partner.completeProvision(created.body.id, callbackUrl.slice(0, -`/addons/${created.body.id}`.length));
    assert.deepEqual(statuses, { token: 200, config: 200, provision: 200 });

    const expected = `acme://${partner.resources.get(created.body.id)?.id}.kv.example.test:7000`;
    const releases = await api(berth, `/apps/${app}/releases`);
    const current = (releases.body as { version: number; current: boolean; description: string }[]).find((r) => r.current);
    assert.match(current?.description ?? '', /^Attach ACME_KV \(/);
    const config = await api(berth, `/apps/${app}/config-vars`);
    assert.equal(config.body.ACME_KV_URL, expected);
    await waitForDynos(berth, app, `web dynos of v${current?.version} up`, (l) => l.some((d) => d.type === 'web' && d.release.version === current?.version && d.state === 'up'), 60_000);
    await waitFor('the dyno to see ACME_KV_URL', async () => (await routerGet(berth, app, '/ACME_KV_URL')).body === `ACME_KV_URL=${expected}\n`, 60_000);
  });
});
