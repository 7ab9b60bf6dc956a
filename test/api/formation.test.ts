import { DYNO_SIZE_IDS } from '../../src/core/dyno-size.js';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useApi } from '../support/api-harness.js';
import { deploy, newApp } from './deploy-helpers.js';
import { expectError, expectJson, jsonBody, UUID } from './helpers.js';

interface FormationJson {
  id: string;
  type: string;
  quantity: number;
  size: string;
  dyno_size: { id: string; name: string };
  command: string;
  app: { id: string; name: string };
  created_at: string;
  updated_at: string;
}

// Performance sizes and 11 dynos of a type need a quota above the default; quotas.test.ts covers the refusals.
const api = useApi({}, async (started) => {
  await expectJson(await started.request('/accounts/dev@example.com/quota', { key: started.adminKey, method: 'PATCH', body: jsonBody({ max_size: 'performance-m', max_quantity: 20 }) }), 200);
});
const dev = api.user('dev@example.com');
const other = api.user('other@example.com');

const PROCESS_TYPES = { web: 'node server.js', worker: 'node worker.js' };

async function deployedApp(prefix = 'scale'): Promise<{ id: string; name: string }> {
  const app = await newApp(api, dev.key, prefix);
  await deploy(api, dev.key, app.name, { processTypes: PROCESS_TYPES });
  return app;
}

const scale = (app: string, updates: unknown, key = dev.key) => api.request(`/apps/${app}/formation`, { key, method: 'PATCH', body: jsonBody({ updates }) });
const formation = async (app: string) => expectJson<FormationJson[]>(await api.request(`/apps/${app}/formation`, { key: dev.key }), 200);

describe('GET /apps/:app/formation', () => {
  it('an app without a deploy has no formation; a deploy brings web=1 and worker=0 with every field', async () => {
    const app = await newApp(api, dev.key, 'fresh');
    assert.deepEqual(await formation(app.name), []);
    await deploy(api, dev.key, app.name, { processTypes: PROCESS_TYPES });
    const [web, worker] = [...(await formation(app.name))].sort((a, b) => a.type.localeCompare(b.type));
    assert.ok(web && worker);
    assert.match(web.id, UUID);
    assert.equal(web.type, 'web');
    assert.equal(web.quantity, 1);
    assert.equal(web.size, 'Standard-1X');
    assert.deepEqual(web.dyno_size, { id: DYNO_SIZE_IDS['standard-1x'], name: 'Standard-1X' });
    assert.equal(web.command, 'node server.js');
    assert.deepEqual(web.app, { id: app.id, name: app.name });
    assert.equal(worker.quantity, 0);
    const one = await expectJson<FormationJson>(await api.request(`/apps/${app.name}/formation/worker`, { key: dev.key }), 200);
    assert.deepEqual(one, worker);
    await expectError(await api.request(`/apps/${app.name}/formation/clock`, { key: dev.key }), 404, 'not_found');
    await expectError(await api.request(`/apps/${app.name}/formation`, { key: other.key }), 404, 'not_found');
  });
});

describe('PATCH /apps/:app/formation (ps:scale)', () => {
  it('takes the official CLI body: string quantities, relative "+1", and the key size', async () => {
    const app = await deployedApp();
    const res = await scale(app.name, [
      { quantity: '2', size: 'Standard-2X', type: 'web' },
      { quantity: '+1', type: 'worker' },
    ]);
    const scaled = await expectJson<FormationJson[]>(res, 200);
    assert.deepEqual(scaled.map((f) => `${f.type}=${f.quantity}:${f.size}`), ['web=2:Standard-2X', 'worker=1:Standard-1X']);
    const again = await expectJson<FormationJson[]>(await scale(app.name, [{ quantity: '-1', type: 'web' }, { quantity: '+2', type: 'worker' }]), 200);
    assert.deepEqual(again.map((f) => `${f.type}=${f.quantity}:${f.size}`), ['web=1:Standard-2X', 'worker=3:Standard-1X']);
    assert.deepEqual((await formation(app.name)).map((f) => `${f.type}=${f.quantity}`).sort(), ['web=1', 'worker=3']);
  });

  it("accepts the schema's numbers and dyno_size {name}, and sizes in any case", async () => {
    const app = await deployedApp();
    const [first] = await expectJson<FormationJson[]>(await scale(app.name, [{ type: 'web', quantity: 3, dyno_size: { name: 'performance-m' } }]), 200);
    assert.equal(first?.size, 'Performance-M');
    assert.equal(first?.quantity, 3);
    const [second] = await expectJson<FormationJson[]>(await scale(app.name, [{ type: 'web', size: 'standard-1x' }]), 200);
    assert.equal(second?.size, 'Standard-1X');
    assert.equal(second?.quantity, 3);
  });

  it('writes "Scale to web=2, worker=1 by user …" and tells the dyno manager', async () => {
    const app = await deployedApp();
    const before = api.platform.of('formationChanged', app.id).length;
    await expectJson(await scale(app.name, [{ type: 'web', quantity: '2' }, { type: 'worker', quantity: 1, size: 'Standard-2X' }]), 200);
    const line = api.lines.filter((l) => l.appId === app.id).at(-1);
    assert.deepEqual(line, { appId: app.id, process: 'api', message: 'Scale to web=2, worker=1:Standard-2X by user dev@example.com' });
    assert.equal(api.platform.of('formationChanged', app.id).length, before + 1);
  });

  it('PATCH /apps/:app/formation/:type scales one type', async () => {
    const app = await deployedApp();
    const web = await expectJson<FormationJson>(await api.request(`/apps/${app.name}/formation/web`, { key: dev.key, method: 'PATCH', body: jsonBody({ quantity: 4, size: 'Standard-2X' }) }), 200);
    assert.equal(web.quantity, 4);
    assert.equal(web.size, 'Standard-2X');
    await expectError(await api.request(`/apps/${app.name}/formation/clock`, { key: dev.key, method: 'PATCH', body: jsonBody({ quantity: 1 }) }), 422, 'invalid_params');
  });

  it('refuses a type the current release does not declare with 422 listing the known types, changing nothing', async () => {
    const app = await deployedApp();
    const error = await expectError(await scale(app.name, [{ type: 'web', quantity: '3' }, { type: 'clock', quantity: '1' }]), 422, 'invalid_params');
    assert.match(error.message, /clock.*Known types: web, worker/);
    assert.deepEqual((await formation(app.name)).map((f) => `${f.type}=${f.quantity}`).sort(), ['web=1', 'worker=0']);
  });

  it('refuses scaling before any deploy with a hint', async () => {
    const app = await newApp(api, dev.key, 'nodeploy');
    const error = await expectError(await scale(app.name, [{ type: 'web', quantity: '1' }]), 422, 'invalid_params');
    assert.match(error.message, /no process types yet/);
  });

  const outOfRange: Array<[string, unknown]> = [['101', '101'], ['-1 (a number)', -1], ['"-5" from 1', '-5'], ['1.5', 1.5], ['"two"', 'two'], ['"+"', '+'], ['true', true]];
  for (const [what, quantity] of outOfRange) {
    it(`refuses the quantity ${what} with 422 naming the range`, async () => {
      const app = await deployedApp('range');
      const error = await expectError(await scale(app.name, [{ type: 'web', quantity }]), 422, 'invalid_params');
      assert.match(error.message, /0 to 100/);
    });
  }

  const badBodies: Array<[string, unknown, RegExp]> = [
    ['an unknown size', [{ type: 'web', size: 'Huge-9X' }], /Huge-9X.*Available sizes: Eco, Basic, Standard-1X/],
    ['a bad type name', [{ type: 'we b', quantity: 1 }], /Process type "we b"/],
    ['no type', [{ quantity: 1 }], /Process type undefined/],
    ['an empty updates array', [], /must not be empty/],
    ['updates that are not objects', ['web=2'], /updates\[0\]/],
  ];
  for (const [what, updates, message] of badBodies) {
    it(`refuses ${what} with 422`, async () => {
      const app = await deployedApp('badscale');
      const error = await expectError(await scale(app.name, updates), 422, 'invalid_params');
      assert.match(error.message, message);
    });
  }

  it('refuses a body without updates', async () => {
    const app = await deployedApp('noupdates');
    await expectError(await api.request(`/apps/${app.name}/formation`, { key: dev.key, method: 'PATCH', body: jsonBody({ type: 'web' }) }), 422, 'invalid_params');
  });

  it('10 concurrent ps:scale web+1 end at web=11', async () => {
    const app = await deployedApp('concurrent');
    const results = await Promise.all(Array.from({ length: 10 }, () => scale(app.name, [{ type: 'web', quantity: '+1' }])));
    for (const res of results) assert.equal(res.status, 200);
    assert.equal((await formation(app.name)).find((f) => f.type === 'web')?.quantity, 11);
  });

  it('a new release keeps the scale and follows the new process types', async () => {
    const app = await deployedApp('follow');
    await expectJson(await scale(app.name, [{ type: 'web', quantity: '3' }]), 200);
    await deploy(api, dev.key, app.name, { processTypes: { web: 'node v2.js', clock: 'node clock.js' } });
    assert.deepEqual((await formation(app.name)).map((f) => `${f.type}=${f.quantity}:${f.command}`).sort(), ['clock=0:node clock.js', 'web=3:node v2.js']);
  });

  it('a Procfile release: type is the release phase, not a formation entry: not listed, not scalable', async () => {
    const app = await deployedApp('relphase');
    const release = await deploy(api, dev.key, app.name, { processTypes: { web: 'node server.js', clock: 'node clock.js', release: 'node migrate.js' } });
    // The release phase succeeded (the platform's part): the release is current, the formation follows it.
    await api.store.releases.finish(release.id, 'succeeded');
    assert.deepEqual((await formation(app.name)).map((f) => f.type).sort(), ['clock', 'web']);
    const refused = await expectError(await scale(app.name, [{ type: 'release', quantity: '0' }]), 422, 'invalid_params');
    assert.match(refused.message, /release phase/);
    assert.deepEqual((await formation(app.name)).map((f) => f.type).sort(), ['clock', 'web']);
  });
});
