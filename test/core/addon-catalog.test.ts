import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AddonCatalog, type AddonServiceSpec } from '../../src/core/addon-catalog.js';
import { AddonRegistry } from '../../src/core/addon-registry.js';
import type { AddonProvider } from '../../src/core/addon-provider.js';
import { PlatformError } from '../../src/core/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const rejects = (fn: () => unknown, id: string, message: RegExp) =>
  assert.throws(fn, (err: unknown) => err instanceof PlatformError && err.id === id && message.test(err.message));

const partnerSpec: AddonServiceSpec = {
  name: 'acme-mail',
  humanName: 'Acme Mail',
  aliases: [],
  namePrefix: 'acme-mail',
  attachmentName: 'ACME_MAIL',
  colorPrefix: 'ACME_MAIL',
  configVarSuffixes: ['URL', 'TOKEN'],
  supportsSharing: true,
  supportsMultipleInstallations: true,
  plans: [{ name: 'test', humanName: 'Test', priceCents: 0, limits: {} }],
};

describe('the add-on catalog', () => {
  const catalog = new AddonCatalog();
  const cases: Array<[string, string]> = [
    ['heroku-postgresql:essential-0', 'heroku-postgresql:essential-0'],
    ['heroku-postgresql', 'heroku-postgresql:essential-0'],
    ['postgresql', 'heroku-postgresql:essential-0'],
    ['postgresql:standard-0', 'heroku-postgresql:standard-0'],
    ['Heroku-PostgreSQL:Essential-1', 'heroku-postgresql:essential-1'],
    ['heroku-redis:mini', 'heroku-redis:mini'],
    ['redis', 'heroku-redis:mini'],
    ['redis:premium-0', 'heroku-redis:premium-0'],
  ];
  for (const [typed, plan] of cases) {
    it(`resolves ${typed} to ${plan}`, () => assert.equal(catalog.resolvePlan(typed).fullName, plan));
  }

  it('resolves a plan by its id, and ids are stable UUIDs that differ per plan', () => {
    const plan = catalog.resolvePlan('heroku-redis:premium-1');
    assert.match(plan.id, UUID);
    assert.equal(catalog.resolvePlan(plan.id).fullName, 'heroku-redis:premium-1');
    assert.equal(new AddonCatalog().resolvePlan('heroku-redis:premium-1').id, plan.id);
    const ids = catalog.services().flatMap((s) => catalog.plans(s).map((p) => p.id));
    assert.equal(new Set(ids).size, ids.length);
  });

  it('gives Postgres plans connection and storage limits and Redis plans maxmemory', () => {
    const pg = catalog.resolvePlan('heroku-postgresql:essential-0');
    assert.equal(pg.limits.connections, 20);
    assert.equal(pg.limits.storageBytes, 1024 ** 3);
    const redis = catalog.resolvePlan('redis:mini');
    assert.equal(redis.limits.maxmemoryBytes, 25 * 1024 ** 2);
  });

  it('refuses an unknown service, listing the services and their aliases', () => {
    rejects(() => catalog.resolvePlan('mysql:small'), 'invalid_params', /Unknown add-on service "mysql".*heroku-postgresql \(postgresql, postgres, pg\).*heroku-redis \(redis/);
  });

  it('refuses an unknown plan, listing the plans of the service', () => {
    rejects(() => catalog.resolvePlan('heroku-postgresql:hobby-dev'), 'invalid_params', /heroku-postgresql has no plan "hobby-dev"\. Plans: essential-0, essential-1/);
  });

  it('takes services registered at runtime, and refuses one whose name is taken by another service', () => {
    const mine = new AddonCatalog();
    mine.register(partnerSpec);
    assert.equal(mine.resolvePlan('acme-mail').fullName, 'acme-mail:test');
    assert.deepEqual(mine.services().map((s) => s.name), ['acme-mail', 'heroku-postgresql', 'heroku-redis']);
    rejects(() => mine.register({ ...partnerSpec, name: 'other', aliases: ['redis'] }), 'conflict', /redis already names the service heroku-redis/);
    rejects(() => mine.register({ ...partnerSpec, name: 'Bad Name' }), 'invalid_params', /is invalid/);
    rejects(() => mine.register({ ...partnerSpec, plans: [] }), 'invalid_params', /no plans/);
  });
});

describe('the add-on registry', () => {
  const provider = (service: string, serviceSpec?: AddonServiceSpec): AddonProvider => ({
    service,
    ...(serviceSpec ? { serviceSpec } : {}),
    provision: () => Promise.reject(new Error('not used')),
    changePlan: () => Promise.reject(new Error('not used')),
    deprovision: () => Promise.resolve(),
  });

  it('finds a registered provider by service and says which services have none', () => {
    const registry = new AddonRegistry();
    const redis = provider('heroku-redis');
    registry.register(redis);
    assert.equal(registry.provider('heroku-redis'), redis);
    assert.equal(registry.find('heroku-postgresql'), undefined);
    rejects(() => registry.provider('heroku-postgresql'), 'invalid_params', /heroku-postgresql is not available.*Available: heroku-redis/);
  });

  it('adds a provider’s own service to the catalog, and refuses a provider of an unknown service without one', () => {
    const registry = new AddonRegistry();
    registry.register(provider('acme-mail', partnerSpec));
    assert.equal(registry.catalog.resolvePlan('acme-mail:test').service.name, 'acme-mail');
    rejects(() => registry.register(provider('nothing-here')), 'invalid_params', /not in the catalog/);
  });

  it('unregistering a provider takes its own service out of the catalog, but leaves built-in services listed', () => {
    const registry = new AddonRegistry();
    registry.register(provider('acme-mail', partnerSpec));
    registry.register(provider('heroku-redis'));
    assert.equal(registry.unregister('acme-mail'), true);
    assert.equal(registry.unregister('acme-mail'), false);
    rejects(() => registry.catalog.resolvePlan('acme-mail:test'), 'invalid_params', /Unknown add-on service/);
    assert.equal(registry.catalog.storedPlan('acme-mail', 'test').fullName, 'acme-mail:test', 'existing add-ons still show their plan');
    assert.equal(registry.unregister('heroku-redis'), true);
    assert.equal(registry.find('heroku-redis'), undefined);
    assert.equal(registry.catalog.resolvePlan('redis').fullName, 'heroku-redis:mini');
  });
});
