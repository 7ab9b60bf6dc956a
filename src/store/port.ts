import type { ConfigVars } from '../core/config-vars.js';
import type { ScaleRequest, ScaleResult } from '../core/formation.js';
import type { AccountQuota } from '../core/account-quota.js';
import type { Account, App, Authorization, Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';
import type { PartnerManifest } from '../core/addon-manifest.js';
import type { Addon, AddonAttachment } from './addon-records.js';
import type { AppPermission } from '../core/access-policy.js';
import type { AppSetupRepository } from './app-setup-records.js';
import type { ReviewAppRepository } from './review-app-records.js';
import type { DashboardSessionRepository } from './dashboard-session-records.js';
import type { AppTransfer, AppTransferState, Collaborator, Team, TeamInvitation, TeamMember, TeamRole } from './access-records.js';
import type { AddonProviderRecord, PartnerToken, PartnerTokenKind } from './addon-provider-records.js';
import type { Domain, SniEndpoint } from './domain-records.js';
import type { AcmeCertificateRepository } from './acme-certificate-records.js';
import type { AppWebhookRepository } from './webhook-records.js';
import type { PgBackupScheduleRepository, PgTransferRepository } from './pg-transfer-records.js';
import type { PipelineCouplingRepository, PipelinePromotionRepository, PipelineRepository } from './pipeline-records.js';
import type { SchedulerJobRepository } from './scheduler-job-records.js';
import type { AppMetricRows } from '../core/app-metrics.js';
import type { AppFeatureSetting, Build, BuildpackInstallation, BuildpackRef, CurrentReleaseSummary, Formation, Release, ReleaseStatus, Slug, SourceBlob } from './records.js';

export type * from './records.js';
export type * from './domain-records.js';
export type * from './acme-certificate-records.js';
export type * from './addon-records.js';
export type * from './pg-transfer-records.js';
export type * from './scheduler-job-records.js';
export type * from './addon-provider-records.js';
export type * from './access-records.js';
export type * from './app-setup-records.js';
export type * from './review-app-records.js';
export type * from './pipeline-records.js';
export type * from './webhook-records.js';
export type * from './dashboard-session-records.js';

/**
 * The state store port. One implementation (KyselyStore) runs on SQLite and PostgreSQL; both pass
 * test/store/contract.test.ts. Methods throw PlatformError('conflict') on unique violations and
 * return undefined for missing rows; authorization (who may see what) is the caller's job.
 */
export interface Store {
  readonly dialect: 'sqlite' | 'postgres';
  accounts: AccountRepository;
  authorizations: AuthorizationRepository;
  apps: AppRepository;
  configVars: ConfigVarRepository;
  slugs: SlugRepository;
  releases: ReleaseRepository;
  builds: BuildRepository;
  formations: FormationRepository;
  buildpackInstallations: BuildpackInstallationRepository;
  domains: DomainRepository;
  sniEndpoints: SniEndpointRepository;
  /** Automatic certificates (ACME) by hostname. */
  acmeCertificates: AcmeCertificateRepository;
  appFeatures: AppFeatureRepository;
  accountQuotas: AccountQuotaRepository;
  sshKeys: SshKeyRepository;
  /** The dashboard's browser sessions (cookie hashes, idle and absolute expiry). */
  dashboardSessions: DashboardSessionRepository;
  addons: AddonRepository;
  addonAttachments: AddonAttachmentRepository;
  pgTransfers: PgTransferRepository;
  pgBackupSchedules: PgBackupScheduleRepository;
  addonProviders: AddonProviderRepository;
  collaborators: CollaboratorRepository;
  teams: TeamRepository;
  appSetups: AppSetupRepository;
  reviewApps: ReviewAppRepository;
  pipelines: PipelineRepository;
  pipelineCouplings: PipelineCouplingRepository;
  pipelinePromotions: PipelinePromotionRepository;
  /** App webhooks, their events and deliveries (the sender's queue). */
  webhooks: AppWebhookRepository;
  schedulerJobs: SchedulerJobRepository;
  /** App metrics by minute, flushed from the host agent and kept 24 h (migration 0020). */
  appMetrics: AppMetricsRepository;
  appTransfers: AppTransferRepository;
  platformSettings: PlatformSettingsRepository;
  /**
   * Runs fn in one transaction; everything it does through `tx` commits or rolls back together.
   * Use only `tx` inside fn: on SQLite the outer store waits for the transaction's connection
   * (a deadlock), on PostgreSQL it does not see the uncommitted writes. A failed statement aborts
   * the whole transaction on PostgreSQL, so don't catch and continue inside fn.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface NewAccount {
  email: string;
  name?: string | null;
  passwordHash: string | null;
  isAdmin?: boolean;
}

export interface AccountRepository {
  create(input: NewAccount): Promise<Account>;
  findById(id: string): Promise<Account | undefined>;
  findByEmail(email: string): Promise<Account | undefined>;
  update(id: string, changes: Partial<Pick<Account, 'name' | 'passwordHash' | 'email'>>): Promise<Account>;
  count(): Promise<number>;
}

export interface NewAuthorization {
  accountId: string;
  description: string;
  tokenHash: string;
  scope: string[];
  expiresAt: string | null;
  /** True for a key a login minted (default false). */
  session?: boolean;
}

export interface AuthorizationRepository {
  create(input: NewAuthorization): Promise<Authorization>;
  findByTokenHash(tokenHash: string): Promise<Authorization | undefined>;
  findById(id: string): Promise<Authorization | undefined>;
  listForAccount(accountId: string): Promise<Authorization[]>;
  /** Changes the description and/or the key (regenerate-tokens); undefined when the id is gone. */
  update(id: string, patch: { description?: string; tokenHash?: string }): Promise<Authorization | undefined>;
  delete(id: string): Promise<boolean>;
}

export interface NewApp {
  name: string;
  ownerId: string;
  region: string;
  stack: string;
  /** The team owning the app (a team app); absent for a personal app. */
  teamId?: string | null;
}

export interface AppFilter {
  /** Personal apps this account owns. */
  ownerId?: string;
  /** Apps this account has any standing on: owned, collaborated on, or of its teams. */
  accessibleBy?: string;
  /** Apps of this team. */
  teamId?: string;
}

export interface AppRepository {
  create(input: NewApp): Promise<App>;
  findById(id: string): Promise<App | undefined>;
  findByName(name: string): Promise<App | undefined>;
  /** `page.field` is `id` or `name`. */
  list(filter: AppFilter, page: PageRequest): Promise<Page<App>>;
  update(id: string, changes: Partial<Pick<App, 'name' | 'maintenance' | 'buildStack' | 'releasedAt' | 'ownerId' | 'teamId'>>): Promise<App>;
  /** Deletes the app and, by cascade, everything it owns. */
  delete(id: string): Promise<boolean>;
}

/** Collaborators on apps (src/core/access-policy.ts decides what they may do). */
export interface CollaboratorRepository {
  /** conflict when the account already collaborates on the app; not_found for a missing app or account. */
  add(input: { appId: string; accountId: string; permissions: readonly AppPermission[] }): Promise<Collaborator>;
  find(appId: string, accountId: string): Promise<Collaborator | undefined>;
  /** Oldest first. */
  listForApp(appId: string): Promise<Collaborator[]>;
  setPermissions(id: string, permissions: readonly AppPermission[]): Promise<Collaborator | undefined>;
  remove(id: string): Promise<boolean>;
  /** Drops the account's row on the app, if any (e.g. it became the owner). */
  removeAll(appId: string, accountId: string): Promise<void>;
}

/** Platform settings an admin changes at run time (e.g. `signup`), as text by name. */
export interface PlatformSettingsRepository {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
}

/** App transfers from an owner to a recipient, who accepts or declines. */
export interface AppTransferRepository {
  /** conflict when the app already has a pending transfer. */
  create(input: { appId: string; ownerId: string; recipientId: string }): Promise<AppTransfer>;
  findById(id: string): Promise<AppTransfer | undefined>;
  findPending(appId: string): Promise<AppTransfer | undefined>;
  /** Transfers the account sends or receives, oldest first. */
  listForAccount(accountId: string): Promise<AppTransfer[]>;
  /** Moves a pending transfer to accepted or declined; undefined when it was not pending. */
  resolve(id: string, state: Exclude<AppTransferState, 'pending'>): Promise<AppTransfer | undefined>;
  delete(id: string): Promise<boolean>;
}

/** Teams, members and invitations. */
export interface TeamRepository {
  /** Creates the team with `adminId` as its first admin; conflict when the name is taken. */
  create(name: string, adminId: string): Promise<Team>;
  findById(id: string): Promise<Team | undefined>;
  findByName(name: string): Promise<Team | undefined>;
  /** By name; only the teams `memberId` belongs to when given. */
  list(filter: { memberId?: string }): Promise<Team[]>;
  /** conflict when the name is taken. */
  rename(id: string, name: string): Promise<Team>;
  /** conflict while the team owns apps. */
  delete(id: string): Promise<boolean>;
  member(teamId: string, accountId: string): Promise<TeamMember | undefined>;
  /** Oldest first. */
  members(teamId: string): Promise<TeamMember[]>;
  putMember(teamId: string, accountId: string, role: TeamRole): Promise<{ member: TeamMember; created: boolean }>;
  removeMember(teamId: string, accountId: string): Promise<boolean>;
  /** Creates the invitation, replacing an earlier one for the same email. */
  invite(input: { teamId: string; email: string; role: TeamRole; tokenHash: string; invitedBy: string; expiresAt: string }): Promise<TeamInvitation>;
  invitations(teamId: string): Promise<TeamInvitation[]>;
  findInvitation(tokenHash: string): Promise<TeamInvitation | undefined>;
  removeInvitation(id: string): Promise<boolean>;
}

/**
 * The app's current config. It changes only by creating a release (releases.create with
 * configVars), so every change is a release and the two never disagree.
 */
export interface ConfigVarRepository {
  /** The current config; {} for an app that never had any. */
  get(appId: string): Promise<ConfigVars>;
  /**
   * The current config, read under the app's lock: call it first inside store.transaction to
   * read-modify-write the config; concurrent changes to the same app wait until the transaction
   * ends (no lost updates, no duplicate versions). not_found for a missing app.
   */
  lock(appId: string): Promise<ConfigVars>;
}

export interface NewSlug {
  appId: string;
  processTypes: Record<string, string>;
  stack: string;
  commit?: string | null;
  commitDescription?: string | null;
  buildpackProvidedDescription?: string | null;
  /** Declared `SHA256:<hex>`, or the real one for a slug stored before its record. */
  checksum?: string | null;
  /** Default `slugs/<id>.tgz`. */
  blobKey?: string;
  /** Bytes, for a slug whose tarball is already in the blob store (a build's); else null until upload. */
  size?: number | null;
}

export interface SlugRepository {
  create(input: NewSlug): Promise<Slug>;
  findById(id: string): Promise<Slug | undefined>;
  /** The slug only if it belongs to `appId` or a release of `appId` runs it (a promoted slug). */
  find(appId: string, id: string): Promise<Slug | undefined>;
  /** Ids of the app's slugs that releases of other apps run (pipeline promotions). */
  sharedWithOtherApps(appId: string): Promise<string[]>;
  /**
   * Before the app is deleted: each of its slugs another app's release runs passes to the app
   * of the newest such release (same id, same blob), so deleting the app keeps it. Returns how many.
   */
  handOver(appId: string): Promise<number>;
  /** Records the upload of a slug that had none; undefined when it was already uploaded (slugs are immutable) or is missing. */
  markUploaded(id: string, upload: { size: number; checksum: string }): Promise<Slug | undefined>;
  /** Blob keys of every slug of the app other apps' releases don't run (to delete the blobs with the app). */
  blobKeysForApp(appId: string): Promise<string[]>;
  /** Every slug of the app, oldest first (garbage collection, destroying the app). */
  listForApp(appId: string): Promise<Slug[]>;
  /**
   * Records that garbage collection is deleting the slug's tarball: the slug gets `prunedAt`, its
   * releases `slugPrunedAt` (no longer eligible for rollback), and no new release may use it.
   * Only while the app's newest release is still `newestVersion` (checked under the app's lock,
   * so a release made meanwhile, e.g. a rollback to this slug, wins); true when marked.
   */
  markPruned(id: string, newestVersion: number): Promise<boolean>;
}

/** Which slug a release runs, for garbage collection. */
export interface ReleaseSlugReference {
  id: string;
  version: number;
  slugId: string | null;
  status: ReleaseStatus;
}

export interface NewRelease {
  appId: string;
  /** The slug (of this app, uploaded); undefined keeps the current release's slug (config changes), null means none. */
  slugId?: string | null;
  /**
   * A pipeline promotion: the app the slug belongs to, when it is another app's. A slug another
   * app owns is also accepted when a release of this app already ran it (a rollback to a promoted release).
   */
  slugOwnerId?: string;
  /** The release's whole config, which becomes the app's config; undefined keeps the app's config. */
  configVars?: ConfigVars;
  description: string;
  user: { id: string; email: string } | null;
  /** Default: pending when the slug declares a release phase (`release` process type), else succeeded. */
  status?: ReleaseStatus;
  /** Default: the newest release's. */
  addonPlanNames?: string[];
}

export interface ReleaseRepository {
  /**
   * Creates the next release vN of the app in one transaction (joining the caller's): the
   * version comes from the app's lock row, so concurrent creations get distinct consecutive
   * versions on both dialects. A succeeded release with a slug makes the formation follow its
   * process types. not_found for a missing app or a slug of another app; invalid_params for a
   * slug not uploaded yet.
   */
  create(input: NewRelease): Promise<Release>;
  findById(appId: string, id: string): Promise<Release | undefined>;
  findByVersion(appId: string, version: number): Promise<Release | undefined>;
  /** The newest succeeded release. */
  current(appId: string): Promise<Release | undefined>;
  /** `page.field` is `version`; bounds must be integers. */
  list(appId: string, page: PageRequest): Promise<Page<Release>>;
  /** Every release of the app with its slug, newest first (garbage collection). */
  slugReferences(appId: string): Promise<ReleaseSlugReference[]>;
  /**
   * Ends a pending release (its release phase finished). Succeeded and current → the formation
   * follows it. A release that is not pending is left as it is. Returns the release as stored.
   */
  finish(id: string, status: 'succeeded' | 'failed'): Promise<Release | undefined>;
  /** Marks every pending release failed (on start-up after a crash); returns their ids. */
  failStale(): Promise<string[]>;
  /** What app JSON shows of each app's current release (apps without one are absent). */
  currentSummaries(appIds: readonly string[]): Promise<Map<string, CurrentReleaseSummary>>;
}

export interface NewBuild {
  appId: string;
  sourceBlob: SourceBlob;
  buildpacks: BuildpackRef[];
  user: { id: string; email: string } | null;
  stack: string;
}

export interface BuildResult {
  status: 'succeeded' | 'failed';
  slugId?: string | null;
  releaseId?: string | null;
  /** Why it failed, in words for the user. */
  error?: string | null;
  outputKey?: string | null;
}

export interface BuildRepository {
  create(input: NewBuild): Promise<Build>;
  findById(id: string): Promise<Build | undefined>;
  find(appId: string, id: string): Promise<Build | undefined>;
  /** `page.field` is `created_at` or `id`. */
  list(appId: string, page: PageRequest): Promise<Page<Build>>;
  /** Ids of every build of the app (their output logs go with the app). */
  idsForApp(appId: string): Promise<string[]>;
  /** Ends a pending build; a build that already ended is left as it is. Returns the build as stored. */
  finish(id: string, result: BuildResult): Promise<Build | undefined>;
  /** Marks every pending build failed (on start-up after a crash); returns their ids. */
  failStale(error?: string): Promise<string[]>;
}

/** An account's SSH public key (git over SSH); see src/accounts/ssh-public-key.ts. */
export interface SshKey {
  id: string;
  accountId: string;
  /** OpenSSH's `SHA256:…` fingerprint; unique across all accounts. */
  sha256: string;
  /** Heroku's MD5 colon fingerprint. */
  fingerprint: string;
  /** `type base64 [comment]`, as uploaded (trimmed). */
  publicKey: string;
  comment: string;
  createdAt: string;
  updatedAt: string;
}

/** App and dyno metrics by minute (`minute` in unix seconds); the rows go with their app. */
export interface AppMetricsRepository {
  /** Writes the rows, replacing any of the same minute (and dyno); false (nothing written) when the app is gone. */
  save(appId: string, rows: AppMetricRows): Promise<boolean>;
  /** The app's rows with from ≤ minute ≤ to, oldest first. */
  read(appId: string, from: number, to: number): Promise<AppMetricRows>;
  /** Deletes every row older than `before` (unix seconds); resolves with how many went. */
  prune(before: number): Promise<number>;
}

export interface SshKeyRepository {
  /** conflict when a key with the same sha256 exists (on any account). */
  create(input: Omit<SshKey, 'id' | 'createdAt' | 'updatedAt'>): Promise<SshKey>;
  /** The account's keys, oldest first. */
  listForAccount(accountId: string): Promise<SshKey[]>;
  findBySha256(sha256: string): Promise<SshKey | undefined>;
  /** By id or by (MD5 or SHA256) fingerprint, among the account's keys only. */
  findForAccount(accountId: string, identity: string): Promise<SshKey | undefined>;
  /** True when a row was deleted. */
  delete(id: string): Promise<boolean>;
}

export interface AccountQuotaRepository {
  /** The account's quota: the admin-set one, else DEFAULT_QUOTA (src/core/account-quota.ts). */
  get(accountId: string): Promise<AccountQuota>;
  /** Sets the whole quota; not_found for an unknown account. */
  set(accountId: string, quota: AccountQuota): Promise<AccountQuota>;
}

export interface FormationRepository {
  /** The app's formation, by type. */
  list(appId: string): Promise<Formation[]>;
  find(appId: string, type: string): Promise<Formation | undefined>;
  /**
   * Applies scale requests atomically under the app's lock (relative quantities see committed
   * values). invalid_params for a type the current release lacks or a quantity out of 0..100.
   * Returns the formation of each requested type, in request order.
   */
  scale(appId: string, requests: readonly ScaleRequest[], check?: (results: readonly ScaleResult[]) => void | Promise<void>): Promise<Formation[]>;
  /** Every app's formation (for the dyno manager's reconcile loop). */
  listAll(): Promise<Formation[]>;
}

export interface BuildpackInstallationRepository {
  list(appId: string): Promise<BuildpackInstallation[]>;
  /** Replaces the app's buildpacks with `buildpacks`, ordinals 1..n. */
  replace(appId: string, buildpacks: readonly BuildpackRef[]): Promise<BuildpackInstallation[]>;
}

export interface AppFeatureRepository {
  /** The features the app has set, by name. */
  list(appId: string): Promise<AppFeatureSetting[]>;
  find(appId: string, name: string): Promise<AppFeatureSetting | undefined>;
  /**
   * Turns a feature on or off under the app's lock; `changed` is false when it already was.
   * A feature set for the first time is created. not_found for a missing app.
   */
  set(appId: string, name: string, enabled: boolean): Promise<{ setting: AppFeatureSetting; changed: boolean }>;
}

export interface NewDomain {
  appId: string;
  /** Lower-cased by the store. */
  hostname: string;
  sniEndpointId?: string | null;
  /** Refuse (invalid_params) when the app already has this many domains. */
  limit?: number;
}

/**
 * An app's custom domains. Hostnames are unique across all apps: creating one that exists is a
 * conflict whose message does not name the app that has it.
 */
export interface DomainRepository {
  /** not_found for a missing app; invalid_params for an SNI endpoint that is not the app's. */
  create(input: NewDomain): Promise<Domain>;
  findById(appId: string, id: string): Promise<Domain | undefined>;
  findByHostname(appId: string, hostname: string): Promise<Domain | undefined>;
  /** Every domain of the app, by hostname. */
  list(appId: string): Promise<Domain[]>;
  /** Attaches an SNI endpoint of the same app (invalid_params otherwise) or detaches (null). */
  setSniEndpoint(appId: string, id: string, sniEndpointId: string | null): Promise<Domain | undefined>;
  delete(appId: string, id: string): Promise<Domain | undefined>;
}

export interface NewSniEndpoint {
  appId: string;
  name: string;
  certificateChain: string;
  privateKey: string;
  /** Refuse (invalid_params) when the app already has this many endpoints. */
  limit?: number;
}

/** An app's SNI endpoints (certificate + key). Names are unique per app (conflict otherwise). */
export interface SniEndpointRepository {
  /** not_found for a missing app. */
  create(input: NewSniEndpoint): Promise<SniEndpoint>;
  findById(appId: string, id: string): Promise<SniEndpoint | undefined>;
  findByName(appId: string, name: string): Promise<SniEndpoint | undefined>;
  /** Every endpoint of the app, by name. */
  list(appId: string): Promise<SniEndpoint[]>;
  /** Replaces the certificate chain and key. */
  update(appId: string, id: string, changes: { certificateChain: string; privateKey: string }): Promise<SniEndpoint | undefined>;
  /** Deletes it; its domains stay, detached. */
  delete(appId: string, id: string): Promise<SniEndpoint | undefined>;
}

export interface NewAddon {
  /** The billing app. */
  appId: string;
  name: string;
  service: string;
  plan: string;
}

/**
 * Add-ons. State changes are methods that apply only from the states they name and return the
 * add-on as stored (undefined when it is missing or in another state), so a late provider answer
 * never resurrects a destroyed add-on.
 */
export interface AddonRepository {
  /** A new add-on, provisioning. conflict when a live add-on has the name; not_found for a missing app. */
  create(input: NewAddon): Promise<Addon>;
  findById(id: string): Promise<Addon | undefined>;
  /** The live (not deprovisioned) add-on with this name. */
  findByName(name: string): Promise<Addon | undefined>;
  /** The app's own live add-ons, oldest first. */
  listForApp(appId: string): Promise<Addon[]>;
  /** Live add-ons whose billing app or an attached app `accessibleBy` has standing on (all without it), by name. */
  list(filter: { accessibleBy?: string }): Promise<Addon[]>;
  /** provisioning → provisioned, with the provider's id, config and message. */
  markProvisioned(id: string, result: { providerId: string | null; config: Record<string, string>; message: string | null }): Promise<Addon | undefined>;
  /** Records the provider's id of an accepted asynchronous provision; it stays provisioning. */
  markAccepted(id: string, providerId: string, message: string | null): Promise<Addon | undefined>;
  /** provisioning → failed with a reason for users; its attachments are deleted. */
  markFailed(id: string, message: string): Promise<Addon | undefined>;
  /** Any live state → deprovisioned; its attachments are deleted. */
  markDeprovisioned(id: string): Promise<Addon | undefined>;
  /** A live add-on's new name; conflict when another live add-on has it. */
  rename(id: string, name: string): Promise<Addon | undefined>;
  /** A provisioned add-on's new plan and/or config. */
  update(id: string, changes: { plan?: string; config?: Record<string, string> }): Promise<Addon | undefined>;
  /** Add-ons provisioning without a provider id: their provision call never answered (Berth stopped). */
  listStale(): Promise<Addon[]>;
}

export interface NewAddonAttachment {
  addonId: string;
  appId: string;
  name: string;
  namespace?: string | null;
}

/** Attachments of add-ons to apps; names are unique within an app (conflict otherwise). */
export interface AddonAttachmentRepository {
  /** not_found for a missing app or add-on. */
  create(input: NewAddonAttachment): Promise<AddonAttachment>;
  findById(id: string): Promise<AddonAttachment | undefined>;
  findByName(appId: string, name: string): Promise<AddonAttachment | undefined>;
  /** The app's attachments, by name. */
  listForApp(appId: string): Promise<AddonAttachment[]>;
  /** The add-on's attachments, oldest first. */
  listForAddon(addonId: string): Promise<AddonAttachment[]>;
  /** Attachments on apps `accessibleBy` has standing on (all without it), by app then name. */
  list(filter: { accessibleBy?: string }): Promise<AddonAttachment[]>;
  delete(id: string): Promise<AddonAttachment | undefined>;
}

/**
 * Third-party add-on providers (partner API manifests) and the OAuth tokens issued to them.
 * Tokens are stored as hashes; `takeToken` deletes as it reads, so a grant is used once.
 */
export interface AddonProviderRepository {
  /** conflict when the id is registered already. */
  create(manifest: PartnerManifest): Promise<AddonProviderRecord>;
  /** Replaces the manifest of the provider with its id; undefined when there is none. */
  update(manifest: PartnerManifest): Promise<AddonProviderRecord | undefined>;
  find(id: string): Promise<AddonProviderRecord | undefined>;
  /** By id. */
  list(): Promise<AddonProviderRecord[]>;
  /** Removes it and its tokens; undefined when there was none. */
  delete(id: string): Promise<AddonProviderRecord | undefined>;
  addToken(token: Omit<PartnerToken, 'createdAt'>): Promise<PartnerToken>;
  findToken(tokenHash: string): Promise<PartnerToken | undefined>;
  /** Deletes and returns the token of that kind (whether expired or not: the caller checks). */
  takeToken(tokenHash: string, kind: PartnerTokenKind): Promise<PartnerToken | undefined>;
  /** Revokes every token of an add-on (it was destroyed or failed); returns how many. */
  deleteTokensForAddon(addonId: string): Promise<number>;
  /** Merges config (suffix → value) a provider sent before provisioning finished; returns the whole of it. */
  mergePending(addonId: string, providerId: string, config: Record<string, string>): Promise<Record<string, string>>;
  findPending(addonId: string): Promise<Record<string, string> | undefined>;
  /** Deletes and returns the add-on's pending config (undefined when none was sent). */
  takePending(addonId: string): Promise<Record<string, string> | undefined>;
}
