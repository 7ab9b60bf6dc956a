import type { Kysely, Selectable } from 'kysely';
import { notFound, PlatformError } from '../core/errors.js';
import type { Addon, AddonState } from './addon-records.js';
import type { AddonRepository, NewAddon } from './port.js';
import type { AddonsTable, Database } from './schema.js';
import { accessibleAppIds } from './accessible-apps.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, parseConfig } from './app-lock.js';
import { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';

export const toAddon = (row: Selectable<AddonsTable>): Addon => ({
  id: row.id,
  appId: row.app_id,
  name: row.name,
  service: row.service,
  plan: row.plan,
  state: row.state as AddonState,
  stateMessage: row.state_message,
  providerId: row.provider_id,
  config: parseConfig(row.config),
  provisionMessage: row.provision_message,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const LIVE: AddonState[] = ['provisioning', 'provisioned', 'failed'];

export class KyselyAddons implements AddonRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewAddon): Promise<Addon> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      app_id: input.appId,
      name: input.name,
      service: input.service,
      plan: input.plan,
      state: 'provisioning',
      state_message: null,
      provider_id: null,
      config: '{}',
      provision_message: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('addons').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `The add-on name ${input.name} is already taken. Choose another name, or leave it out for a generated one.`);
      if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
      throw err;
    }
    return toAddon(row);
  }

  async findById(id: string): Promise<Addon | undefined> {
    const row = await this.db.selectFrom('addons').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toAddon(row);
  }

  async findByName(name: string): Promise<Addon | undefined> {
    const row = await this.db.selectFrom('addons').selectAll().where('name', '=', name).where('state', 'in', LIVE).executeTakeFirst();
    return row && toAddon(row);
  }

  async listForApp(appId: string): Promise<Addon[]> {
    const rows = await this.db.selectFrom('addons').selectAll().where('app_id', '=', appId).where('state', 'in', LIVE).orderBy('created_at').orderBy('id').execute();
    return rows.map(toAddon);
  }

  async list(filter: { accessibleBy?: string }): Promise<Addon[]> {
    let query = this.db.selectFrom('addons').selectAll().where('state', 'in', LIVE);
    if (filter.accessibleBy !== undefined) {
      const apps = accessibleAppIds(this.db, filter.accessibleBy);
      query = query.where((eb) => eb.or([eb('app_id', 'in', apps), eb('id', 'in', eb.selectFrom('addon_attachments as t').select('t.addon_id').where('t.app_id', 'in', apps))]));
    }
    const rows = await query.orderBy('name').execute();
    return rows.map(toAddon);
  }

  markProvisioned(id: string, result: { providerId: string | null; config: Record<string, string>; message: string | null }): Promise<Addon | undefined> {
    return this.transition(id, ['provisioning'], {
      state: 'provisioned',
      state_message: null,
      config: JSON.stringify(result.config),
      provision_message: result.message,
      ...(result.providerId !== null ? { provider_id: result.providerId } : {}),
    });
  }

  markAccepted(id: string, providerId: string, message: string | null): Promise<Addon | undefined> {
    return this.transition(id, ['provisioning'], { provider_id: providerId, provision_message: message });
  }

  markFailed(id: string, message: string): Promise<Addon | undefined> {
    return this.transition(id, ['provisioning'], { state: 'failed', state_message: message }, true);
  }

  markDeprovisioned(id: string): Promise<Addon | undefined> {
    return this.transition(id, LIVE, { state: 'deprovisioned' }, true);
  }

  async rename(id: string, name: string): Promise<Addon | undefined> {
    try {
      return await this.transition(id, LIVE, { name });
    } catch (err) {
      if (isUniqueViolation(err)) throw new PlatformError('conflict', `The add-on name ${name} is already taken. Choose another name.`);
      throw err;
    }
  }

  update(id: string, changes: { plan?: string; config?: Record<string, string> }): Promise<Addon | undefined> {
    return this.transition(id, ['provisioned'], {
      ...(changes.plan !== undefined ? { plan: changes.plan } : {}),
      ...(changes.config !== undefined ? { config: JSON.stringify(changes.config) } : {}),
    });
  }

  async listStale(): Promise<Addon[]> {
    const rows = await this.db.selectFrom('addons').selectAll().where('state', '=', 'provisioning').where('provider_id', 'is', null).orderBy('created_at').execute();
    return rows.map(toAddon);
  }

  /** Applies `set` when the add-on is in one of `from`; optionally deletes its attachments. */
  private transition(id: string, from: AddonState[], set: Partial<Omit<AddonsTable, 'id'>>, detach = false): Promise<Addon | undefined> {
    return inTransaction(this.db, async (db) => {
      const result = await db
        .updateTable('addons')
        .set({ ...set, updated_at: this.clock.now().toISOString() })
        .where('id', '=', id)
        .where('state', 'in', from)
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 0) return undefined;
      if (detach) await db.deleteFrom('addon_attachments').where('addon_id', '=', id).execute();
      return toAddon(await db.selectFrom('addons').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
    });
  }
}
