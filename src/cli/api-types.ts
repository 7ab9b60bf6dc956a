/** The parts of Platform API responses the CLI reads (full shapes: src/api/serialize.ts). */
export interface AppJson {
  id: string;
  name: string;
  git_url: string;
  web_url: string;
  owner: { email: string; id: string };
  region: { name: string };
  stack: { name: string };
  maintenance: boolean;
  created_at: string;
}

export interface AccountJson {
  id: string;
  email: string;
  name: string | null;
  berth_admin?: boolean;
  /** Only in the response to POST /accounts, when the server generated the password. */
  password?: string | null;
}

export interface AuthorizationJson {
  id: string;
  access_token: { token: string | null } | null;
  user: { email: string };
}

export interface ReleaseJson {
  id: string;
  version: number;
  description: string;
  status: 'pending' | 'succeeded' | 'failed' | 'expired';
  current: boolean;
  eligible_for_rollback: boolean;
  output_stream_url: string | null;
  addon_plan_names: string[];
  slug: { id: string } | null;
  user: { email: string; id: string };
  created_at: string;
}

export type ConfigVarsJson = Record<string, string>;

export interface FormationJson {
  type: string;
  quantity: number;
  /** Heroku's spelling, e.g. `Standard-1X`. */
  size: string;
  command: string;
}

export interface DynoJson {
  id: string;
  name: string;
  type: string;
  command: string;
  size: string;
  state: string;
  attach_url: string | null;
  release: { id: string; version: number };
  created_at: string;
  updated_at: string;
}

export interface LogSessionJson {
  id: string;
  logplex_url: string;
}

export interface LogDrainJson {
  id: string;
  url: string;
  token: string;
  addon: { name: string } | null;
  created_at: string;
}

export interface SourceJson {
  source_blob: { get_url: string; put_url: string };
}

export interface BuildJson {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  output_stream_url: string;
  error_message?: string | null;
  buildpacks: { url: string; name: string }[];
  release: { id: string } | null;
  slug: { id: string } | null;
  source_blob: { url: string; version: string | null; version_description?: string | null; checksum?: string | null };
  stack: string;
  user: { email: string; id: string };
  created_at: string;
  updated_at: string;
}

export interface BuildpackInstallationJson {
  buildpack: { name: string; url: string };
  ordinal: number;
}

/** An app feature (Heroku labs), e.g. log-runtime-metrics. */
export interface AppFeatureJson {
  id: string;
  name: string;
  description: string;
  doc_url: string;
  enabled: boolean;
  state: string;
  display_name: string;
  feedback_email: string;
  created_at: string;
  updated_at: string;
}

/** POST/GET /app-setups. */
export interface AppSetupJson {
  id: string;
  status: 'pending' | 'failed' | 'succeeded';
  failure_message: string | null;
  app: { id: string; name: string } | null;
  build: { id: string; status: string; output_stream_url: string } | null;
  manifest_errors: string[];
  postdeploy: { output: string; exit_code: number } | null;
  resolved_success_url: string | null;
}

/** A Heroku Scheduler job (`/apps/:app/scheduler/jobs`, a Berth extension). */
export interface SchedulerJobJson {
  id: string;
  app: { id: string; name: string };
  command: string;
  size: string;
  frequency: string;
  at: string | null;
  cron: string;
  schedule: string;
  next_run_at: string;
  last_run: { status: string; exit_code: number | null; dyno: string; started_at: string; finished_at: string | null } | null;
  last_skipped: { at: string; reason: string } | null;
  created_at: string;
  updated_at: string;
}
