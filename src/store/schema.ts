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
}

export interface Database {
  accounts: AccountsTable;
  authorizations: AuthorizationsTable;
  apps: AppsTable;
}
