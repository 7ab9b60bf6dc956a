// The Store contract (store-contract.ts) on both dialects: SQLite in a temp dir, one file per test;
// PostgreSQL on one throwaway server for this file, one fresh database per test.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { startThrowawayPostgres, type ThrowawayPostgres } from '../support/postgres.js';
import { storeContract } from './store-contract.js';

let sqliteDir: string | undefined;
let sqliteFiles = 0;
storeContract('the SQLite store', {
  before: async () => {
    sqliteDir = await mkdtemp(path.join(tmpdir(), 'berth-store-'));
  },
  after: async () => {
    if (sqliteDir) await rm(sqliteDir, { recursive: true, force: true });
  },
  freshLocation: async () => {
    if (!sqliteDir) throw new Error('the SQLite temp dir is not set up');
    return { kind: 'sqlite', path: path.join(sqliteDir, `store-${++sqliteFiles}.db`) };
  },
});

let server: ThrowawayPostgres | undefined;
let databases = 0;
storeContract('the PostgreSQL store', {
  before: async () => {
    server = await startThrowawayPostgres();
  },
  after: async () => {
    await server?.stop();
  },
  freshLocation: async () => {
    if (!server) throw new Error('the PostgreSQL server is not running');
    return { kind: 'postgres', url: await server.createDatabase(`berth_store_${++databases}`) };
  },
});
