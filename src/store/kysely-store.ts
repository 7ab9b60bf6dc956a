import { KyselyAcmeCertificates } from './acme-certificates-repository.js';
import { Kysely, Migrator, sql } from 'kysely';
import type { Store } from './port.js';
import type { Database } from './schema.js';
import { migrationProvider, migrations } from './migrations/index.js';
import { StateTooNewError } from './state-too-new.js';
import { KyselyAccounts } from './accounts-repository.js';
import { KyselyAuthorizations } from './authorizations-repository.js';
import { KyselyApps } from './apps-repository.js';
import { KyselyConfigVars } from './config-vars-repository.js';
import { KyselySlugs } from './slugs-repository.js';
import { KyselyReleases } from './releases-repository.js';
import { KyselyBuilds } from './builds-repository.js';
import { KyselyFormations } from './formations-repository.js';
import { KyselyBuildpackInstallations } from './buildpack-installations-repository.js';
import { KyselyDomains } from './domains-repository.js';
import { KyselySniEndpoints } from './sni-endpoints-repository.js';
import { KyselyAppFeatures } from './app-features-repository.js';
import { KyselyAccountQuotas } from './account-quotas-repository.js';
import { KyselyAppSetups } from './app-setups-repository.js';
import { KyselyReviewApps } from './review-apps-repository.js';
import { KyselySshKeys } from './ssh-keys-repository.js';
import { KyselyAppMetrics } from './app-metrics-repository.js';
import { KyselyDashboardSessions } from './dashboard-sessions-repository.js';
import { KyselyAddons } from './addons-repository.js';
import { KyselyAddonAttachments } from './addon-attachments-repository.js';
import { KyselyPgBackupSchedules, KyselyPgTransfers } from './pg-transfers-repository.js';
import { KyselyAddonProviders } from './addon-providers-repository.js';
import { KyselyCollaborators } from './collaborators-repository.js';
import { KyselyTeams } from './teams-repository.js';
import { KyselyPipelineCouplings, KyselyPipelines } from './pipelines-repository.js';
import { KyselyPipelinePromotions } from './pipeline-promotions-repository.js';
import { KyselyAppWebhooks } from './webhooks-repository.js';
import { KyselySchedulerJobs } from './scheduler-jobs-repository.js';
import { KyselyAppTransfers } from './app-transfers-repository.js';
import { KyselyPlatformSettings } from './platform-settings-repository.js';

export interface StoreClock {
  now(): Date;
  newId(): string;
}

/** The Store on Kysely: the same code for SQLite and PostgreSQL, only the dialect differs. */
export class KyselyStore implements Store {
  readonly accounts: KyselyAccounts;
  readonly authorizations: KyselyAuthorizations;
  readonly apps: KyselyApps;
  readonly configVars: KyselyConfigVars;
  readonly slugs: KyselySlugs;
  readonly releases: KyselyReleases;
  readonly builds: KyselyBuilds;
  readonly formations: KyselyFormations;
  readonly buildpackInstallations: KyselyBuildpackInstallations;
  readonly domains: KyselyDomains;
  readonly sniEndpoints: KyselySniEndpoints;
  readonly acmeCertificates: KyselyAcmeCertificates;
  readonly appFeatures: KyselyAppFeatures;
  readonly accountQuotas: KyselyAccountQuotas;
  readonly sshKeys: KyselySshKeys;
  readonly appMetrics: KyselyAppMetrics;
  readonly dashboardSessions: KyselyDashboardSessions;
  readonly addons: KyselyAddons;
  readonly addonAttachments: KyselyAddonAttachments;
  readonly pgTransfers: KyselyPgTransfers;
  readonly pgBackupSchedules: KyselyPgBackupSchedules;
  readonly addonProviders: KyselyAddonProviders;
  readonly collaborators: KyselyCollaborators;
  readonly teams: KyselyTeams;
  readonly appSetups: KyselyAppSetups;
  readonly reviewApps: KyselyReviewApps;
  readonly pipelines: KyselyPipelines;
  readonly pipelineCouplings: KyselyPipelineCouplings;
  readonly pipelinePromotions: KyselyPipelinePromotions;
  readonly webhooks: KyselyAppWebhooks;
  readonly schedulerJobs: KyselySchedulerJobs;
  readonly appTransfers: KyselyAppTransfers;
  readonly platformSettings: KyselyPlatformSettings;

  constructor(
    private readonly db: Kysely<Database>,
    readonly dialect: 'sqlite' | 'postgres',
    private readonly clock: StoreClock,
    private readonly inTransaction = false,
  ) {
    this.accounts = new KyselyAccounts(db, clock);
    this.authorizations = new KyselyAuthorizations(db, clock);
    this.apps = new KyselyApps(db, clock);
    this.configVars = new KyselyConfigVars(db);
    this.slugs = new KyselySlugs(db, clock);
    this.releases = new KyselyReleases(db, clock);
    this.builds = new KyselyBuilds(db, clock);
    this.formations = new KyselyFormations(db, clock);
    this.buildpackInstallations = new KyselyBuildpackInstallations(db);
    this.domains = new KyselyDomains(db, clock);
    this.sniEndpoints = new KyselySniEndpoints(db, clock);
    this.acmeCertificates = new KyselyAcmeCertificates(db, clock);
    this.appFeatures = new KyselyAppFeatures(db, clock);
    this.accountQuotas = new KyselyAccountQuotas(db, clock);
    this.sshKeys = new KyselySshKeys(db, clock);
    this.appMetrics = new KyselyAppMetrics(db);
    this.dashboardSessions = new KyselyDashboardSessions(db, clock);
    this.addons = new KyselyAddons(db, clock);
    this.addonAttachments = new KyselyAddonAttachments(db, clock);
    this.pgTransfers = new KyselyPgTransfers(db, clock);
    this.pgBackupSchedules = new KyselyPgBackupSchedules(db, clock);
    this.addonProviders = new KyselyAddonProviders(db, clock);
    this.collaborators = new KyselyCollaborators(db, clock);
    this.teams = new KyselyTeams(db, clock);
    this.appSetups = new KyselyAppSetups(db, clock);
    this.reviewApps = new KyselyReviewApps(db, clock);
    this.pipelines = new KyselyPipelines(db, clock);
    this.pipelineCouplings = new KyselyPipelineCouplings(db, clock);
    this.pipelinePromotions = new KyselyPipelinePromotions(db, clock);
    this.webhooks = new KyselyAppWebhooks(db, clock);
    this.schedulerJobs = new KyselySchedulerJobs(db, clock);
    this.appTransfers = new KyselyAppTransfers(db, clock);
    this.platformSettings = new KyselyPlatformSettings(db, clock);
  }

  async transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T> {
    if (this.inTransaction) return fn(this);
    return this.db.transaction().execute((trx) => fn(new KyselyStore(trx, this.dialect, this.clock, true)));
  }

  /**
   * Applies every pending migration; returns the names applied now. Refuses (StateTooNewError,
   * changing nothing) a database a newer Berth migrated: one with migrations this one lacks.
   */
  async migrate(): Promise<string[]> {
    const unknown = (await this.appliedMigrations()).filter((name) => !(name in migrations));
    if (unknown.length > 0) throw new StateTooNewError(unknown);
    const { error, results } = await new Migrator({ db: this.db, provider: migrationProvider, allowUnorderedMigrations: true }).migrateToLatest();
    if (error) throw error instanceof Error ? error : new Error(String(error));
    return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  }

  /** Names of the migrations this database has applied (none before the first start). */
  private async appliedMigrations(): Promise<string[]> {
    const tables = await this.db.introspection.getTables({ withInternalKyselyTables: true });
    if (!tables.some((t) => t.name === 'kysely_migration')) return [];
    const { rows } = await sql<{ name: string }>`select name from kysely_migration`.execute(this.db);
    return rows.map((r) => r.name);
  }

  async close(): Promise<void> {
    await this.db.destroy();
  }
}

