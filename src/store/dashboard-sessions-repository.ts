/** Dashboard sessions on both dialects: one row per browser login, found by the hash of its cookie. */
import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { DashboardSession, DashboardSessionRepository, NewDashboardSession } from './dashboard-session-records.js';
import type { DashboardSessionsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';

const toSession = (row: Selectable<DashboardSessionsTable>): DashboardSession => ({
  id: row.id,
  accountId: row.account_id,
  authorizationId: row.authorization_id,
  tokenHash: row.token_hash,
  createdAt: row.created_at,
  lastUsedAt: row.last_used_at,
  expiresAt: row.expires_at,
});

export class KyselyDashboardSessions implements DashboardSessionRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewDashboardSession): Promise<DashboardSession> {
    const row = {
      id: this.clock.newId(),
      account_id: input.accountId,
      authorization_id: input.authorizationId,
      token_hash: input.tokenHash,
      created_at: input.createdAt,
      last_used_at: input.createdAt,
      expires_at: input.expiresAt,
    };
    try {
      await this.db.insertInto('dashboard_sessions').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', 'A dashboard session with that token already exists.');
      throw err;
    }
    return toSession(row);
  }

  async findByTokenHash(tokenHash: string): Promise<DashboardSession | undefined> {
    const row = await this.db.selectFrom('dashboard_sessions').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row && toSession(row);
  }

  async touch(id: string, at: string): Promise<void> {
    await this.db.updateTable('dashboard_sessions').set({ last_used_at: at }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('dashboard_sessions').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async deleteForAccount(accountId: string, exceptId?: string): Promise<number> {
    let query = this.db.deleteFrom('dashboard_sessions').where('account_id', '=', accountId);
    if (exceptId !== undefined) query = query.where('id', '!=', exceptId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteForAuthorization(authorizationId: string): Promise<number> {
    const result = await this.db.deleteFrom('dashboard_sessions').where('authorization_id', '=', authorizationId).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async deleteExpired(now: string, idleBefore: string): Promise<number> {
    const result = await this.db
      .deleteFrom('dashboard_sessions')
      .where((eb) => eb.or([eb('expires_at', '<=', now), eb('last_used_at', '<', idleBefore)]))
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
