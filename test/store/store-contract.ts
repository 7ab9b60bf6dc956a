// The Store contract: one suite, run against every implementation of the port (STYLE.md habit 2,
// after honojs/hono:src/router/common.case.test.ts). test/store/contract.test.ts runs it on SQLite
// and on PostgreSQL; a new implementation passes this suite before anything else uses it.
//
// Every test opens its own fresh, empty database through `harness.freshLocation()`, so tests never
// see each other's rows; the stores a test opens are closed after it.

import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { Kysely, sql } from 'kysely';

import type { App } from '../../src/core/model.js';
import { KyselyStore, type StoreClock } from '../../src/store/kysely-store.js';
import { migrations } from '../../src/store/migrations/index.js';
import { openStore, type StoreLocation } from '../../src/store/open-store.js';
import { postgresDialect } from '../../src/store/postgres.js';
import type { Database } from '../../src/store/schema.js';
import { sqliteDialect } from '../../src/store/sqlite.js';
import { StateTooNewError } from '../../src/store/state-too-new.js';
import { accountsContract, authorizationsContract } from './accounts-contract.js';
import { addonsContract } from './addons-contract.js';
import { addonProvidersContract } from './addon-providers-contract.js';
import { appFeaturesContract } from './app-features-contract.js';
import { acmeCertificatesContract } from './acme-certificates-contract.js';
import { accountQuotasContract } from './account-quotas-contract.js';
import { appSetupsContract } from './app-setups-contract.js';
import { reviewAppsContract } from './review-apps-contract.js';
import { sshKeysContract } from './ssh-keys-contract.js';
import { appMetricsContract } from './app-metrics-contract.js';
import { dashboardSessionsContract } from './dashboard-sessions-contract.js';
import { appsContract, paginationContract } from './apps-contract.js';
import { domainsContract } from './domains-contract.js';
import { account, app, platformError, steppingClock } from './contract-support.js';
import { buildpackInstallationsContract, buildsContract, cascadeContract, formationContract, slugsContract } from './deploy-contract.js';
import { releasesContract } from './releases-contract.js';
import { pgTransfersContract } from './pg-transfers-contract.js';
import { accessContract } from './access-contract.js';
import { pipelinesContract } from './pipelines-contract.js';
import { webhooksContract } from './webhooks-contract.js';
import { schedulerJobsContract } from './scheduler-jobs-contract.js';

export interface StoreHarness {
  /** Runs once before the suite (e.g. starts a database server). */
  before?: () => Promise<void>;
  /** Runs once after the suite. */
  after?: () => Promise<void>;
  /** Where a fresh, empty database lives; every call is a different one. */
  freshLocation: () => Promise<StoreLocation>;
}

/** The tables of the database at `location`, read through a connection of its own. */
async function tableNames(location: StoreLocation): Promise<string[]> {
  const dialect = location.kind === 'sqlite' ? sqliteDialect(location.path) : postgresDialect(location.url);
  const db = new Kysely<unknown>({ dialect });
  try {
    return (await db.introspection.getTables()).map((t) => t.name).sort();
  } finally {
    await db.destroy();
  }
}

export function storeContract(name: string, harness: StoreHarness): void {
  describe(name, () => {
    if (harness.before) before(harness.before);
    if (harness.after) after(harness.after);

    const opened: Array<{ close(): Promise<void> }> = [];
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    /** A migrated store on a fresh database, closed after the test. */
    async function open(clock?: StoreClock): Promise<KyselyStore> {
      const store = await openStore(await harness.freshLocation(), clock);
      opened.push(store);
      return store;
    }

    describe('migrations', () => {
      it('a fresh database gets every migration once, and opening it again applies nothing', async () => {
        const location = await harness.freshLocation();
        const dialect = location.kind === 'sqlite' ? sqliteDialect(location.path) : postgresDialect(location.url);
        const first = new KyselyStore(new Kysely<Database>({ dialect }), location.kind, steppingClock());
        opened.push(first);
        assert.deepEqual(await first.migrate(), Object.keys(migrations).sort());
        assert.deepEqual(await first.migrate(), []);
        await account(first);

        const second = await openStore(location);
        opened.push(second);
        assert.deepEqual(await second.migrate(), []);
        assert.equal(await second.accounts.count(), 1, 'reopening keeps the data');
      });

      it('refuses a database a newer Berth migrated (unknown migration ids) and changes nothing', async () => {
        const location = await harness.freshLocation();
        const store = await openStore(location);
        await account(store);
        await store.close();
        const dialect = location.kind === 'sqlite' ? sqliteDialect(location.path) : postgresDialect(location.url);
        const raw = new Kysely<Database>({ dialect });
        await sql`insert into kysely_migration (name, timestamp) values (${'9999-from-the-future'}, ${new Date().toISOString()})`.execute(raw);
        await raw.destroy();
        await assert.rejects(openStore(location), (err: unknown) => {
          assert.ok(err instanceof StateTooNewError, String(err));
          assert.deepEqual(err.unknownMigrations, ['9999-from-the-future']);
          assert.match(err.message, /migrated by a newer Berth: its migrations 9999-from-the-future are unknown to this version\. Berth does not downgrade/);
          return true;
        });
        const names = await tableNames(location);
        assert.ok(names.includes('accounts'), 'the data is still there');
      });

      it('the accounts, authorizations and apps tables exist after opening', async () => {
        const location = await harness.freshLocation();
        const store = await openStore(location);
        await store.close();
        const tables = await tableNames(location);
        for (const table of ['accounts', 'authorizations', 'apps']) assert.ok(tables.includes(table), `${table} in ${tables.join(', ')}`);
      });

      it('the deploy pipeline tables exist after opening', async () => {
        const location = await harness.freshLocation();
        const store = await openStore(location);
        await store.close();
        const tables = await tableNames(location);
        for (const table of ['app_config', 'slugs', 'releases', 'builds', 'formations', 'buildpack_installations']) {
          assert.ok(tables.includes(table), `${table} in ${tables.join(', ')}`);
        }
      });

      it('the domains and sni_endpoints tables exist after opening', async () => {
        const location = await harness.freshLocation();
        const store = await openStore(location);
        await store.close();
        const tables = await tableNames(location);
        for (const table of ['domains', 'sni_endpoints']) assert.ok(tables.includes(table), `${table} in ${tables.join(', ')}`);
      });

      it('the addons and addon_attachments tables exist after opening', async () => {
        const location = await harness.freshLocation();
        const store = await openStore(location);
        await store.close();
        const tables = await tableNames(location);
        for (const table of ['addons', 'addon_attachments']) assert.ok(tables.includes(table), `${table} in ${tables.join(', ')}`);
      });

      it('the store names its dialect', async () => {
        const location = await harness.freshLocation();
        const store = await open();
        assert.equal(store.dialect, location.kind);
      });
    });
    accountsContract({ open });
    authorizationsContract({ open });
    appsContract({ open });
    appMetricsContract({ open });
    paginationContract({ open });
    releasesContract({ open });
    slugsContract({ open });
    buildsContract({ open });
    formationContract({ open });
    buildpackInstallationsContract({ open });
    cascadeContract({ open });
    domainsContract({ open });
    acmeCertificatesContract({ open });
    appFeaturesContract({ open });
    accountQuotasContract({ open });
    appSetupsContract({ open });
    reviewAppsContract({ open });
    sshKeysContract({ open });
    dashboardSessionsContract({ open });
    addonsContract({ open });
    pgTransfersContract({ open });
    addonProvidersContract({ open });
    accessContract({ open });
    pipelinesContract({ open });
    webhooksContract({ open });
    schedulerJobsContract({ open });

    describe('transactions', () => {
      it('a transaction that commits is visible afterwards and returns its value', async () => {
        const store = await open();
        const result = await store.transaction(async (tx) => {
          const ada = await account(tx);
          await app(tx, 'committed', ada.id);
          return 'done';
        });
        assert.equal(result, 'done');
        assert.equal(await store.accounts.count(), 1);
        assert.ok(await store.apps.findByName('committed'));
      });

      it('a transaction that throws leaves nothing behind and rethrows the error', async () => {
        const store = await open();
        const boom = new Error('boom');
        await assert.rejects(
          store.transaction(async (tx) => {
            const ada = await account(tx);
            await app(tx, 'rolled-back', ada.id);
            assert.ok(await tx.apps.findByName('rolled-back'), 'the transaction sees its own writes');
            throw boom;
          }),
          (err) => err === boom,
        );
        assert.equal(await store.accounts.count(), 0);
        assert.equal(await store.apps.findByName('rolled-back'), undefined);
      });

      it('a conflict inside a transaction rolls back what came before it', async () => {
        const store = await open();
        const ada = await account(store);
        await app(store, 'taken', ada.id);
        await assert.rejects(
          store.transaction(async (tx) => {
            await account(tx, 'grace@example.com');
            await app(tx, 'taken', ada.id);
          }),
          platformError('conflict'),
        );
        assert.equal(await store.accounts.count(), 1);
      });

      it('a nested transaction joins the outer one and rolls back with it', async () => {
        const store = await open();
        await assert.rejects(
          store.transaction(async (outer) => {
            const ada = await account(outer);
            await outer.transaction(async (inner) => {
              assert.ok(await inner.accounts.findById(ada.id), 'the inner transaction sees the outer one’s writes');
              await app(inner, 'inner', ada.id);
            });
            assert.ok(await outer.apps.findByName('inner'), 'the outer transaction sees the inner one’s writes');
            throw new Error('outer fails after inner returned');
          }),
          /outer fails/,
        );
        assert.equal(await store.apps.findByName('inner'), undefined);
        assert.equal(await store.accounts.count(), 0);

        await store.transaction(async (outer) => {
          const ada = await account(outer);
          await outer.transaction(async (inner) => app(inner, 'nested-commit', ada.id));
        });
        assert.ok(await store.apps.findByName('nested-commit'));
      });

      it('concurrent transactions commit or roll back independently', async () => {
        const store = await open();
        const ada = await account(store);
        const results = await Promise.allSettled(
          Array.from({ length: 10 }, (_, i) =>
            store.transaction(async (tx) => {
              await app(tx, `tx-${i}`, ada.id);
              await app(tx, `tx-${i}-b`, ada.id);
              if (i % 2 === 1) throw new Error(`transaction ${i} fails`);
            }),
          ),
        );
        assert.deepEqual(results.map((r) => r.status), Array.from({ length: 10 }, (_, i) => (i % 2 === 1 ? 'rejected' : 'fulfilled')));
        const names = (await store.apps.list({}, { field: 'name', startExclusive: false, max: 100, order: 'asc' })).items.map((a) => a.name);
        assert.deepEqual(names, ['tx-0', 'tx-0-b', 'tx-2', 'tx-2-b', 'tx-4', 'tx-4-b', 'tx-6', 'tx-6-b', 'tx-8', 'tx-8-b']);
      });
    });

    describe('concurrency', () => {
      it('20 concurrent creations with distinct names all succeed', async () => {
        const store = await open();
        const ada = await account(store);
        const created = await Promise.all(Array.from({ length: 20 }, (_, i) => app(store, `app-${String(i).padStart(2, '0')}`, ada.id)));
        assert.equal(new Set(created.map((a) => a.id)).size, 20);
        const listed = await store.apps.list({}, { field: 'name', startExclusive: false, max: 100, order: 'asc' });
        assert.deepEqual(listed.items.map((a) => a.name), created.map((a) => a.name));
      });

      it('of 5 concurrent creations of the same name exactly one succeeds and the rest conflict', async () => {
        const store = await open();
        const ada = await account(store);
        const results = await Promise.allSettled(Array.from({ length: 5 }, () => app(store, 'contested', ada.id)));
        const won = results.filter((r): r is PromiseFulfilledResult<App> => r.status === 'fulfilled');
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        assert.equal(won.length, 1);
        assert.equal(lost.length, 4);
        for (const r of lost) platformError('conflict', /contested/)(r.reason);
        assert.deepEqual(await store.apps.findByName('contested'), won[0]?.value);
      });
    });

    describe('foreign keys', () => {
      it('an app whose owner does not exist cannot be created', async () => {
        const store = await open();
        await assert.rejects(app(store, 'orphan', '00000000-0000-4000-8000-000000000000'));
        assert.equal(await store.apps.findByName('orphan'), undefined);
      });

      it('an authorization for an account that does not exist cannot be created', async () => {
        const store = await open();
        const missing = '00000000-0000-4000-8000-000000000000';
        await assert.rejects(store.authorizations.create({ accountId: missing, description: 'x', tokenHash: 'h', scope: [], expiresAt: null }));
        assert.equal(await store.authorizations.findByTokenHash('h'), undefined);
      });
    });
  });
}
