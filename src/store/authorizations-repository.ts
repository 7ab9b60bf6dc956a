import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { Authorization } from '../core/model.js';
import type { AuthorizationRepository, NewAuthorization } from './port.js';
import type { AuthorizationsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';

const toAuthorization = (row: Selectable<AuthorizationsTable>): Authorization => ({
  id: row.id,
  accountId: row.account_id,
  description: row.description,
  tokenHash: row.token_hash,
  scope: JSON.parse(row.scope) as string[],
  expiresAt: row.expires_at,
  session: row.session === 1,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselyAuthorizations implements AuthorizationRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewAuthorization): Promise<Authorization> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      account_id: input.accountId,
      description: input.description,
      token_hash: input.tokenHash,
      scope: JSON.stringify(input.scope),
      expires_at: input.expiresAt,
      session: input.session ? 1 : 0,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('authorizations').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', 'An authorization with that token already exists.');
      throw err;
    }
    return toAuthorization(row);
  }

  async findByTokenHash(tokenHash: string): Promise<Authorization | undefined> {
    const row = await this.db.selectFrom('authorizations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toAuthorization(row);
  }

  async findById(id: string): Promise<Authorization | undefined> {
    const row = await this.db.selectFrom('authorizations').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAuthorization(row);
  }

  async listForAccount(accountId: string): Promise<Authorization[]> {
    const rows = await this.db
      .selectFrom('authorizations')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at', 'asc')
      .orderBy('id', 'asc')
      .execute();
    return rows.map(toAuthorization);
  }

  async update(id: string, patch: { description?: string; tokenHash?: string }): Promise<Authorization | undefined> {
    const now = this.clock.now().toISOString();
    await this.db
      .updateTable('authorizations')
      .set({
        updated_at: now,
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.tokenHash !== undefined ? { token_hash: patch.tokenHash } : {}),
      })
      .where('id', '=', id)
      .execute();
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('authorizations').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
