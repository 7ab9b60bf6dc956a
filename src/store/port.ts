import type { Account, App, Authorization, Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';

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
}

export interface AuthorizationRepository {
  create(input: NewAuthorization): Promise<Authorization>;
  findByTokenHash(tokenHash: string): Promise<Authorization | undefined>;
  findById(id: string): Promise<Authorization | undefined>;
  listForAccount(accountId: string): Promise<Authorization[]>;
  delete(id: string): Promise<boolean>;
}

export interface NewApp {
  name: string;
  ownerId: string;
  region: string;
  stack: string;
}

export interface AppFilter {
  ownerId?: string;
}

export interface AppRepository {
  create(input: NewApp): Promise<App>;
  findById(id: string): Promise<App | undefined>;
  findByName(name: string): Promise<App | undefined>;
  /** `page.field` is `id` or `name`. */
  list(filter: AppFilter, page: PageRequest): Promise<Page<App>>;
  update(id: string, changes: Partial<Pick<App, 'name' | 'maintenance' | 'buildStack' | 'releasedAt'>>): Promise<App>;
  /** Deletes the app and, by cascade, everything it owns. */
  delete(id: string): Promise<boolean>;
}
