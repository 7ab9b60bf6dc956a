import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { deploy, newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody } from './helpers.js';

interface QuotaJson {
  account: { id: string; email: string };
  max_size: string;
  max_quantity: number;
  max_one_offs_per_app: number;
  max_one_offs: number;
}

const api = useApi();
const tenant = api.user('tenant@example.test');

const quota = (who: string, key = api.adminKey) => api.request(`/accounts/${who}/quota`, { key });
const setQuota = (who: string, body: Record<string, unknown>, key = api.adminKey) => api.request(`/accounts/${who}/quota`, { key, method: 'PATCH', body: jsonBody(body) });

async function deployedApp(prefix: string): Promise<string> {
  const app = await newApp(api, tenant.key, prefix);
  await deploy(api, tenant.key, app.name, { processTypes: { web: 'node server.js', worker: 'node worker.js' } });
  return app.name;
}
const scale = (app: string, updates: unknown) => api.request(`/apps/${app}/formation`, { key: tenant.key, method: 'PATCH', body: jsonBody({ updates }) });
const formation = async (app: string) =>
  (await expectJson<Array<{ type: string; quantity: number; size: string }>>(await api.request(`/apps/${app}/formation`, { key: tenant.key }), 200)).map((f) => `${f.type}=${f.quantity}:${f.size}`).sort();

describe('account quotas', () => {
  it('gives an account without a quota the defaults: up to standard-2x, 10 dynos per type, 3 one-offs per app, 6 in all', async () => {
    const body = await expectJson<QuotaJson>(await quota('tenant@example.test'), 200);
    assert.deepEqual(body, { account: { id: tenant.accountId, email: 'tenant@example.test' }, max_size: 'standard-2x', max_quantity: 10, max_one_offs_per_app: 3, max_one_offs: 6 });
  });

  it('refuses performance-l and 11 dynos of a type to a tenant with the default quota, naming the quota and changing nothing', async () => {
    const app = await deployedApp('quota');
    await expectJson(await scale(app, [{ type: 'web', quantity: 2 }]), 200);
    const before = await formation(app);
    const size = await expectError(await scale(app, [{ type: 'web', quantity: 1, size: 'performance-l' }]), 403, 'quota_exceeded');
    assert.match(size.message, /Cannot run web dynos of size performance-l: this account's dynos go up to standard-2x\. An admin can raise it: berth accounts:quota EMAIL --max-size performance-l/);
    const many = await expectError(await scale(app, [{ type: 'worker', quantity: 3 }, { type: 'web', quantity: 11 }]), 403, 'quota_exceeded');
    assert.match(many.message, /Cannot scale web to 11: .* at most 10 dynos per process type/);
    await expectError(await scale(app, [{ type: 'web', quantity: '+9' }]), 403, 'quota_exceeded');
    assert.deepEqual(await formation(app), before);
    await expectJson(await scale(app, [{ type: 'web', quantity: 10, size: 'standard-2x' }]), 200);
  });

  it('lets an admin raise a quota, after which the same scale works', async () => {
    const app = await deployedApp('raised');
    await expectError(await scale(app, [{ type: 'web', quantity: 12, size: 'performance-m' }]), 403, 'quota_exceeded');
    const raised = await expectJson<QuotaJson>(await setQuota('tenant@example.test', { max_size: 'Performance-M', max_quantity: 12 }), 200);
    assert.equal(raised.max_size, 'performance-m');
    assert.equal(raised.max_quantity, 12);
    assert.equal(raised.max_one_offs, 6, 'fields not sent keep their value');
    await expectJson(await scale(app, [{ type: 'web', quantity: 12, size: 'performance-m' }]), 200);
    await expectJson(await setQuota(tenant.accountId, { max_size: 'standard-2x', max_quantity: 10 }), 200);
  });

  it('refuses a one-off dyno above the size quota', async () => {
    const app = await deployedApp('oneoff');
    const error = await expectError(await api.request(`/apps/${app}/dynos`, { key: tenant.key, method: 'POST', body: jsonBody({ command: 'bash', size: 'performance-l' }) }), 403, 'quota_exceeded');
    assert.match(error.message, /one-off dyno of size performance-l/);
  });

  it('lets only admins read or set quotas, and validates every field', async () => {
    await expectError(await quota('tenant@example.test', tenant.key), 403, 'forbidden');
    await expectError(await setQuota('tenant@example.test', { max_quantity: 100 }, tenant.key), 403, 'forbidden');
    await expectError(await quota('nobody@example.test'), 404, 'not_found');
    for (const body of [{ max_size: 'huge-9x' }, { max_quantity: -1 }, { max_quantity: 101 }, { max_one_offs: 1.5 }, { max_one_offs_per_app: '3' }]) {
      const error = await expectError(await setQuota('tenant@example.test', body), 422, 'invalid_params');
      assert.match(error.message, /max_size .* is not a dyno size|must be a whole number/);
    }
    assert.equal((await expectJson<QuotaJson>(await quota('tenant@example.test'), 200)).max_quantity, 10);
  });
});
