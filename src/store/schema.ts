/** Table shapes as Kysely sees them. Booleans are integers (0/1) and times ISO text in both dialects. */
export interface AccountsTable {
  id: string;
  email: string;
  name: string | null;
  password_hash: string | null;
  is_admin: number;
  created_at: string;
  updated_at: string;
}

export interface AuthorizationsTable {
  id: string;
  account_id: string;
  description: string;
  token_hash: string;
  /** JSON array of scope names. */
  scope: string;
  expires_at: string | null;
  /** 1 when a login (email + password) minted the key: `DELETE /oauth/sessions/~` may revoke it. */
  session: number;
  created_at: string;
  updated_at: string;
}

export interface AppsTable {
  id: string;
  name: string;
  owner_id: string;
  region: string;
  stack: string;
  build_stack: string;
  maintenance: number;
  released_at: string | null;
  created_at: string;
  updated_at: string;
  /** The team owning the app; null for a personal app. */
  team_id: string | null;
}

/** One row per app: its current config and the release counter (the per-app lock row). */
export interface AppConfigTable {
  app_id: string;
  /** JSON object of the app's config vars. */
  config_vars: string;
  /** The last release version handed out. */
  release_seq: number;
}

export interface SlugsTable {
  id: string;
  app_id: string;
  blob_key: string;
  size: number | null;
  checksum: string | null;
  /** JSON object type → command. */
  process_types: string;
  commit: string | null;
  commit_description: string | null;
  buildpack_provided_description: string | null;
  stack: string;
  created_at: string;
  updated_at: string;
  /** When the disk collector deleted the tarball (the row stays); null while it is stored. */
  pruned_at: string | null;
}

export interface ReleasesTable {
  id: string;
  app_id: string;
  version: number;
  slug_id: string | null;
  /** JSON object: the whole config at this release. */
  config_vars: string;
  description: string;
  status: string;
  user_id: string | null;
  user_email: string | null;
  release_command: string | null;
  /** JSON array of plan names. */
  addon_plan_names: string;
  created_at: string;
  updated_at: string;
  /** When the disk collector deleted this release's slug tarball: no rollback to it since. */
  slug_pruned_at: string | null;
  /** The stack of its slug (null without a slug). */
  stack: string | null;
}

export interface BuildsTable {
  id: string;
  app_id: string;
  status: string;
  /** JSON {url, checksum, version, version_description}. */
  source_blob: string;
  /** JSON array of {url, name}. */
  buildpacks: string;
  slug_id: string | null;
  release_id: string | null;
  user_id: string | null;
  user_email: string | null;
  output_key: string | null;
  stack: string;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface FormationsTable {
  id: string;
  app_id: string;
  type: string;
  quantity: number;
  size: string;
  command: string;
  created_at: string;
  updated_at: string;
}

export interface BuildpackInstallationsTable {
  app_id: string;
  ordinal: number;
  url: string;
  name: string;
}

/** An SSH public key of an account (git over SSH); `sha256` is unique across accounts. */
export interface SshKeysTable {
  id: string;
  account_id: string;
  sha256: string;
  fingerprint: string;
  public_key: string;
  comment: string;
  created_at: string;
  updated_at: string;
}

/** A dashboard session (the `berth_session` cookie, stored as its SHA-256). */
export interface DashboardSessionsTable {
  id: string;
  account_id: string;
  authorization_id: string | null;
  token_hash: string;
  created_at: string;
  last_used_at: string;
  expires_at: string;
}

/** An app feature (labs) the app changed from its default; the catalogue is src/core/app-features.ts. */
export interface AccountQuotasTable {
  account_id: string;
  max_size: string;
  max_quantity: number;
  max_one_offs_per_app: number;
  max_one_offs: number;
  updated_at: string;
}

export interface AppFeaturesTable {
  app_id: string;
  name: string;
  enabled: number;
  created_at: string;
  updated_at: string;
}

export interface DomainsTable {
  id: string;
  app_id: string;
  hostname: string;
  kind: string;
  sni_endpoint_id: string | null;
  created_at: string;
  updated_at: string;
}

export interface SniEndpointsTable {
  id: string;
  app_id: string;
  name: string;
  certificate_chain: string;
  /** A secret: never returned by the API. */
  private_key: string;
  created_at: string;
  updated_at: string;
}

/** An automatic (ACME) certificate per hostname; `private_key` is a secret. */
export interface AcmeCertificatesTable {
  hostname: string;
  app_id: string;
  status: string;
  reason: string | null;
  certificate: string | null;
  private_key: string | null;
  expires_at: string | null;
  failures: number;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

/** An add-on; `config` is a JSON object (suffix → value), a secret. */
export interface AddonsTable {
  id: string;
  app_id: string;
  name: string;
  service: string;
  plan: string;
  state: string;
  state_message: string | null;
  provider_id: string | null;
  config: string;
  provision_message: string | null;
  created_at: string;
  updated_at: string;
}

export interface AddonAttachmentsTable {
  id: string;
  addon_id: string;
  app_id: string;
  name: string;
  namespace: string | null;
  created_at: string;
  updated_at: string;
}

/** A backup, restore or copy (src/store/pg-transfer-records.ts). */
export interface PgTransfersTable {
  id: string;
  app_id: string;
  num: number;
  kind: string;
  schedule_id: string | null;
  from_addon_id: string | null;
  from_name: string;
  from_type: string;
  to_addon_id: string | null;
  to_name: string;
  to_type: string;
  backup_id: string | null;
  blob_key: string | null;
  source_bytes: number | string;
  processed_bytes: number | string;
  warnings: number;
  succeeded: number | null;
  error: string | null;
  /** JSON array of {created_at, message}. */
  logs: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  canceled_at: string | null;
  deleted_at: string | null;
  updated_at: string;
}

/** A daily backup schedule of a Postgres add-on. */
export interface PgBackupSchedulesTable {
  id: string;
  app_id: string;
  addon_id: string;
  name: string;
  hour: number;
  timezone: string;
  retain_daily: number;
  retain_weekly: number;
  next_run_at: string;
  created_at: string;
  updated_at: string;
}

/** A Heroku Scheduler job (migration 0015). */
export interface SchedulerJobsTable {
  id: string;
  app_id: string;
  command: string;
  size: string;
  frequency: string;
  at: string | null;
  cron: string;
  next_run_at: string;
  last_run_status: string | null;
  last_run_dyno_id: string | null;
  last_run_dyno_name: string | null;
  last_run_exit_code: number | null;
  last_run_started_at: string | null;
  last_run_finished_at: string | null;
  last_skipped_at: string | null;
  last_skip_reason: string | null;
  created_at: string;
  updated_at: string;
}

export interface AddonProvidersTable {
  id: string;
  name: string;
  /** A secret (holds the manifest's password): never returned by the API. */
  manifest: string;
  created_at: string;
  updated_at: string;
}

export interface AddonPartnerTokensTable {
  token_hash: string;
  kind: string;
  provider_id: string;
  addon_id: string;
  expires_at: string | null;
  created_at: string;
}

export interface AddonPartnerPendingTable {
  addon_id: string;
  provider_id: string;
  /** Suffix → value (JSON). */
  config: string;
  updated_at: string;
}

export interface CollaboratorsTable {
  id: string;
  app_id: string;
  account_id: string;
  /** Comma-separated app permissions. */
  permissions: string;
  created_at: string;
  updated_at: string;
}

/** An app setup's progress (POST /app-setups). */
export interface AppSetupsTable {
  id: string;
  account_id: string;
  app_id: string | null;
  app_name: string | null;
  status: string;
  failure_message: string | null;
  build_id: string | null;
  manifest_errors: string;
  postdeploy_output: string | null;
  postdeploy_exit_code: number | null;
  resolved_success_url: string | null;
  created_at: string;
  updated_at: string;
}

export interface TeamsTable {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface TeamMembersTable {
  team_id: string;
  account_id: string;
  role: string;
  created_at: string;
  updated_at: string;
}

export interface TeamInvitationsTable {
  id: string;
  team_id: string;
  email: string;
  role: string;
  token_hash: string;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
}

export interface AppTransfersTable {
  id: string;
  app_id: string;
  owner_id: string;
  recipient_id: string;
  state: string;
  created_at: string;
  updated_at: string;
}

export interface PlatformSettingsTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface PipelinesTable {
  id: string;
  name: string;
  owner_id: string;
  generation: string;
  created_at: string;
  updated_at: string;
}

export interface PipelineCouplingsTable {
  id: string;
  pipeline_id: string;
  app_id: string;
  stage: string;
  created_at: string;
  updated_at: string;
}

export interface PipelinePromotionsTable {
  id: string;
  pipeline_id: string;
  source_app_id: string;
  source_release_id: string;
  slug_id: string;
  status: string;
  created_at: string;
  updated_at: string;
}

export interface PipelinePromotionTargetsTable {
  id: string;
  promotion_id: string;
  app_id: string;
  release_id: string | null;
  status: string;
  error_message: string | null;
  created_at: string;
  updated_at: string;
}

/** An app webhook subscription (src/store/webhook-records.ts); `include` is a JSON array. */
export interface AppWebhooksTable {
  id: string;
  app_id: string;
  url: string;
  include: string;
  level: string;
  secret: string;
  authorization_header: string | null;
  created_at: string;
  updated_at: string;
}

/** An event offered to an app's webhooks; `payload` is Heroku's JSON object. */
export interface AppWebhookEventsTable {
  id: string;
  app_id: string;
  include: string;
  payload: string;
  created_at: string;
  updated_at: string;
}

/** One delivery of an event to a webhook; `last_attempt` is JSON or null. */
export interface AppWebhookDeliveriesTable {
  id: string;
  app_id: string;
  webhook_id: string;
  event_id: string;
  status: string;
  num_attempts: number;
  next_attempt_at: string | null;
  last_attempt: string | null;
  created_at: string;
  updated_at: string;
}

export interface ReviewAppConfigsTable {
  pipeline_id: string;
  stale_days: number;
  created_at: string;
  updated_at: string;
}

export interface ReviewAppsTable {
  id: string;
  pipeline_id: string;
  app_id: string;
  source_app_id: string;
  branch: string;
  commit_sha: string;
  creator_id: string;
  setup_id: string | null;
  predestroy: string | null;
  last_push_at: string;
  created_at: string;
  updated_at: string;
}

/** An app's metrics of one minute (migration 0020); `errors`/`runtime_errors` are JSON code → count. */
export interface AppMetricMinutesTable {
  app_id: string;
  minute: number | string;
  r2xx: number;
  r3xx: number;
  r4xx: number;
  r5xx: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  errors: string;
  restarts: number;
  crashes: number;
  runtime_errors: string;
}

/** A formation dyno's samples of one minute (migration 0020). */
export interface DynoMetricMinutesTable {
  app_id: string;
  dyno: string;
  minute: number | string;
  type: string;
  rss_mb: number | null;
  swap_mb: number | null;
  quota_mb: number;
  load: number | null;
}

export interface Database {
  accounts: AccountsTable;
  authorizations: AuthorizationsTable;
  apps: AppsTable;
  app_config: AppConfigTable;
  slugs: SlugsTable;
  releases: ReleasesTable;
  builds: BuildsTable;
  formations: FormationsTable;
  buildpack_installations: BuildpackInstallationsTable;
  domains: DomainsTable;
  sni_endpoints: SniEndpointsTable;
  acme_certificates: AcmeCertificatesTable;
  app_features: AppFeaturesTable;
  account_quotas: AccountQuotasTable;
  ssh_keys: SshKeysTable;
  dashboard_sessions: DashboardSessionsTable;
  addons: AddonsTable;
  addon_attachments: AddonAttachmentsTable;
  pg_transfers: PgTransfersTable;
  pg_backup_schedules: PgBackupSchedulesTable;
  addon_providers: AddonProvidersTable;
  addon_partner_tokens: AddonPartnerTokensTable;
  addon_partner_pending: AddonPartnerPendingTable;
  collaborators: CollaboratorsTable;
  teams: TeamsTable;
  team_members: TeamMembersTable;
  team_invitations: TeamInvitationsTable;
  app_transfers: AppTransfersTable;
  platform_settings: PlatformSettingsTable;
  app_setups: AppSetupsTable;
  review_app_configs: ReviewAppConfigsTable;
  review_apps: ReviewAppsTable;
  pipelines: PipelinesTable;
  pipeline_couplings: PipelineCouplingsTable;
  pipeline_promotions: PipelinePromotionsTable;
  pipeline_promotion_targets: PipelinePromotionTargetsTable;
  app_webhooks: AppWebhooksTable;
  app_webhook_events: AppWebhookEventsTable;
  app_webhook_deliveries: AppWebhookDeliveriesTable;
  scheduler_jobs: SchedulerJobsTable;
  app_metric_minutes: AppMetricMinutesTable;
  dyno_metric_minutes: DynoMetricMinutesTable;
}
