import type { Kysely, Selectable } from 'kysely';
import { APP_PERMISSIONS, type AppPermission } from '../core/access-policy.js';
import { PlatformError } from '../core/errors.js';
import type { Collaborator } from './access-records.js';
import type { CollaboratorRepository } from './port.js';
import type { CollaboratorsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';

const parsePermissions = (text: string): AppPermission[] => APP_PERMISSIONS.filter((p) => text.split(',').includes(p));

const toCollaborator = (row: Selectable<CollaboratorsTable>): Collaborator => ({
  id: row.id,
  appId: row.app_id,
  accountId: row.account_id,
  permissions: parsePermissions(row.permissions),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** Collaborators: one row per (app, account), with the permissions granted. */
export class KyselyCollaborators implements CollaboratorRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async add(input: { appId: string; accountId: string; permissions: readonly AppPermission[] }): Promise<Collaborator> {
    const now = this.clock.now().toISOString();
    const row = { id: this.clock.newId(), app_id: input.appId, account_id: input.accountId, permissions: input.permissions.join(','), created_at: now, updated_at: now };
    try {
      await this.db.insertInto('collaborators').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', 'That account is already a collaborator on this app.');
      if (isForeignKeyViolation(err)) throw new PlatformError('not_found', `Couldn't find that app or account: ${input.appId}, ${input.accountId}.`);
      throw err;
    }
    return toCollaborator(row);
  }

  async find(appId: string, accountId: string): Promise<Collaborator | undefined> {
    const row = await this.db.selectFrom('collaborators').selectAll().where('app_id', '=', appId).where('account_id', '=', accountId).executeTakeFirst();
    return row && toCollaborator(row);
  }

  async listForApp(appId: string): Promise<Collaborator[]> {
    const rows = await this.db.selectFrom('collaborators').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toCollaborator);
  }

  async setPermissions(id: string, permissions: readonly AppPermission[]): Promise<Collaborator | undefined> {
    await this.db.updateTable('collaborators').set({ permissions: permissions.join(','), updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
    const row = await this.db.selectFrom('collaborators').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCollaborator(row);
  }

  async remove(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('collaborators').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async removeAll(appId: string, accountId: string): Promise<void> {
    await this.db.deleteFrom('collaborators').where('app_id', '=', appId).where('account_id', '=', accountId).execute();
  }
}
