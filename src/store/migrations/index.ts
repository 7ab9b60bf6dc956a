import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001-accounts-and-apps.js';
import * as m0002 from './0002-releases.js';
import * as m0003 from './0003-domains.js';
import * as m0004 from './0004-app-features.js';
import * as m0005 from './0005-addons.js';
import * as m0006 from './0006-addon-providers.js';
import * as m0007 from './0007-account-quotas.js';
import * as m0008 from './0008-pg-transfers.js';
import * as m0009 from './0009-slug-pruning.js';
import * as m0010 from './0010-collaborators-and-teams.js';
import * as m0011 from './0011-login-sessions.js';
import * as m0012 from './0012-webhooks.js';
import * as m0013 from './0013-ssh-keys.js';
import * as m0014 from './0014-pipelines.js';
import * as m0015 from './0015-scheduler-jobs.js';
import * as m0017 from './0017-app-setups.js';
import * as m0018 from './0018-review-apps.js';
import * as m0019 from './0019-dashboard-sessions.js';
import * as m0020 from './0020-app-metrics.js';
import * as m0021 from './0021-stacks.js';
import * as m0022 from './0022-acme-certificates.js';

/**
 * Versioned migrations, applied in name order by Kysely's Migrator on both dialects. Never edit
 * a migration that has shipped: add a new number. Numbers are handed out as work starts, so they
 * may land out of order: the migrator allows that (a data dir that has 0017 still gets 0010).
 */
export const migrations: Record<string, Migration> = {
  '0001-accounts-and-apps': m0001,
  '0002-releases': m0002,
  '0003-domains': m0003,
  '0004-app-features': m0004,
  '0005-addons': m0005,
  '0006-addon-providers': m0006,
  '0007-account-quotas': m0007,
  '0008-pg-transfers': m0008,
  '0009-slug-pruning': m0009,
  '0010-collaborators-and-teams': m0010,
  '0011-login-sessions': m0011,
  '0012-webhooks': m0012,
  '0013-ssh-keys': m0013,
  '0014-pipelines': m0014,
  '0015-scheduler-jobs': m0015,
  '0017-app-setups': m0017,
  '0018-review-apps': m0018,
  '0019-dashboard-sessions': m0019,
  '0020-app-metrics': m0020,
  '0021-stacks': m0021,
  '0022-acme-certificates': m0022,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: async () => migrations,
};
