import type { Kysely, Selectable } from 'kysely';
import { notFound, PlatformError } from '../core/errors.js';
import type { AddonAttachment } from './addon-records.js';
import type { AddonAttachmentRepository, NewAddonAttachment } from './port.js';
import type { AddonAttachmentsTable, Database } from './schema.js';
import { accessibleAppIds } from './accessible-apps.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction } from './app-lock.js';
import { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';

const toAttachment = (row: Selectable<AddonAttachmentsTable>): AddonAttachment => ({
  id: row.id,
  addonId: row.addon_id,
  appId: row.app_id,
  name: row.name,
  namespace: row.namespace,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselyAddonAttachments implements AddonAttachmentRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewAddonAttachment): Promise<AddonAttachment> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      addon_id: input.addonId,
      app_id: input.appId,
      name: input.name,
      namespace: input.namespace ?? null,
      created_at: now,
      updated_at: now,
    };
    await inTransaction(this.db, async (db) => {
      // Checked first: a foreign-key failure does not say which key, and a deprovisioned add-on has a row.
      const addon = await db.selectFrom('addons').select('state').where('id', '=', input.addonId).executeTakeFirst();
      if (!addon || addon.state === 'deprovisioned') throw notFound('add-on', input.addonId);
      try {
        await db.insertInto('addon_attachments').values(row).execute();
      } catch (err) {
        if (isUniqueViolation(err)) throw new PlatformError('conflict', `The app already has an attachment named ${input.name}. Choose another name (--as NAME), or detach that one first.`);
        if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
        throw err;
      }
    });
    return toAttachment(row);
  }

  async findById(id: string): Promise<AddonAttachment | undefined> {
    const row = await this.db.selectFrom('addon_attachments').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAttachment(row);
  }

  async findByName(appId: string, name: string): Promise<AddonAttachment | undefined> {
    const row = await this.db.selectFrom('addon_attachments').selectAll().where('app_id', '=', appId).where('name', '=', name).executeTakeFirst();
    return row && toAttachment(row);
  }

  async listForApp(appId: string): Promise<AddonAttachment[]> {
    const rows = await this.db.selectFrom('addon_attachments').selectAll().where('app_id', '=', appId).orderBy('name').execute();
    return rows.map(toAttachment);
  }

  async listForAddon(addonId: string): Promise<AddonAttachment[]> {
    const rows = await this.db.selectFrom('addon_attachments').selectAll().where('addon_id', '=', addonId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toAttachment);
  }

  async list(filter: { accessibleBy?: string }): Promise<AddonAttachment[]> {
    let query = this.db.selectFrom('addon_attachments as t').innerJoin('apps as a', 'a.id', 't.app_id').selectAll('t');
    if (filter.accessibleBy !== undefined) query = query.where('t.app_id', 'in', accessibleAppIds(this.db, filter.accessibleBy));
    const rows = await query.orderBy('a.name').orderBy('t.name').execute();
    return rows.map(toAttachment);
  }

  async delete(id: string): Promise<AddonAttachment | undefined> {
    const row = await this.db.deleteFrom('addon_attachments').where('id', '=', id).returningAll().executeTakeFirst();
    return row && toAttachment(row);
  }
}
