import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { Account } from '../core/model.js';
import type { AccountRepository, NewAccount } from './port.js';
import type { AccountsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';

const toAccount = (row: Selectable<AccountsTable>): Account => ({
  id: row.id,
  email: row.email,
  name: row.name,
  isAdmin: row.is_admin === 1,
  passwordHash: row.password_hash,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselyAccounts implements AccountRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewAccount): Promise<Account> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      email: input.email.toLowerCase(),
      name: input.name ?? null,
      password_hash: input.passwordHash,
      is_admin: input.isAdmin ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('accounts').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `An account for ${row.email} already exists.`);
      throw err;
    }
    return toAccount(row);
  }

  async findById(id: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAccount(row);
  }

  async findByEmail(email: string): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('email', '=', email.toLowerCase()).executeTakeFirst();
    return row && toAccount(row);
  }

  async update(id: string, changes: Partial<Pick<Account, 'name' | 'passwordHash' | 'email'>>): Promise<Account> {
    const set: Partial<AccountsTable> = { updated_at: this.clock.now().toISOString() };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.passwordHash !== undefined) set.password_hash = changes.passwordHash;
    if (changes.email !== undefined) set.email = changes.email.toLowerCase();
    try {
      await this.db.updateTable('accounts').set(set).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `An account for ${changes.email} already exists.`);
      throw err;
    }
    const account = await this.findById(id);
    if (!account) throw new PlatformError('not_found', `Couldn't find that account: ${id}.`);
    return account;
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('accounts').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }
}
