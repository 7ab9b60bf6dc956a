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
