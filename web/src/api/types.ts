// The Platform API's JSON as the dashboard reads it (only the fields it uses).

export interface AppJson {
  id: string;
  name: string;
  web_url: string;
  git_url: string;
  maintenance: boolean;
  released_at: string | null;
  created_at: string;
  owner: { email: string; id: string };
  stack: { name: string };
  buildpack_provided_description: string | null;
}

export interface FormationJson {
  id: string;
  type: string;
  quantity: number;
  size: string;
  command: string;
  updated_at: string;
}

export interface DynoJson {
  id: string;
  name: string;
  type: string;
  state: string;
  size: string;
  command: string;
  created_at: string;
  updated_at: string;
  release: { id: string; version: number };
}

export type PlanAction =
  | { kind: 'start'; type: string; index: number; releaseVersion: number; size: string; command: string; reason: string; crashCount: number; replaces?: string }
  | { kind: 'stop'; dynoId: string; name: string; reason: string };

export interface PlanJson {
  actions: PlanAction[];
  notes: string[];
  wakeAt?: number;
}

export interface ReleaseJson {
  id: string;
  version: number;
  description: string;
  status: string;
  current: boolean;
  created_at: string;
  user: { email: string; id: string };
  slug: { id: string } | null;
  output_stream_url?: string | null;
}

export interface BuildJson {
  id: string;
  status: 'pending' | 'succeeded' | 'failed';
  created_at: string;
  updated_at: string;
  output_stream_url: string | null;
  user: { email: string; id: string };
  release: { id: string; version?: number } | null;
  source_blob?: { version: string | null } | null;
}

export interface DomainJson {
  id: string;
  hostname: string;
  kind: string;
  cname: string | null;
  status: string;
  sni_endpoint: { id: string; name: string } | null;
}

export interface SniEndpointJson {
  id: string;
  name: string;
  certificate_chain: string;
  ssl_cert?: { cert_domains: string[]; expires_at: string } | null;
  domains?: string[];
}

export interface BuildpackInstallationJson {
  ordinal: number;
  buildpack: { url: string; name: string };
}

export interface CollaboratorJson {
  id: string;
  user: { email: string; id: string };
  role: string | null;
  created_at: string;
}

export interface AddonJson {
  id: string;
  name: string;
  state: string;
  addon_service: { name: string };
  plan: { name: string };
  config_vars: string[];
}

export interface AccountJson {
  id: string;
  email: string;
  name: string | null;
}

export interface AuthorizationJson {
  id: string;
  description: string;
  created_at: string;
  scope: string[];
  access_token: { token: string; expires_in: number | null } | null;
}

export interface SessionJson {
  email: string;
  id: string;
  csrf_token: string;
  idle_expires_in: number;
}

export type Series = Array<number | null>;

export interface MetricsJson {
  app: { id: string; name: string };
  range: string;
  step: number;
  timestamps: number[];
  router: {
    requests: Record<string, Series>;
    response_time_ms: Record<string, Series>;
    errors: Record<string, Series>;
  };
  dynos: Record<string, { type: string; memory_rss_mb: Series; memory_swap_mb: Series; memory_quota_mb: number; load_avg_1m: Series }>;
  events: { restarts: Series; crashes: Series; runtime_errors: Record<string, Series> };
}
