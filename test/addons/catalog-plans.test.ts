import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AddonCatalog } from '../../src/core/addon-catalog.js';
import { POSTGRES_PLANS, REDIS_PLANS } from '../../src/addons/addon-plans.js';

// The catalog (what the API offers) and the built-in providers (what they make) name the same
// plans with the same limits, so every plan a user can pick can be provisioned as shown.
const catalog = new AddonCatalog();
const limitsOf = (service: string) => Object.fromEntries(catalog.plans(catalog.service(service)).map((p) => [p.name, p.limits]));

test('the catalog offers exactly the Postgres plans the provider makes, with its connection and storage limits', () => {
  assert.deepEqual(limitsOf('heroku-postgresql'), Object.fromEntries(POSTGRES_PLANS.map((p) => [p.name, { connections: p.connections, storageBytes: p.storageBytes }])));
});

test('the catalog offers exactly the Redis plans the provider makes, with its maxmemory and client limits', () => {
  assert.deepEqual(limitsOf('heroku-redis'), Object.fromEntries(REDIS_PLANS.map((p) => [p.name, { connections: p.connections, maxmemoryBytes: p.maxmemoryBytes }])));
});
