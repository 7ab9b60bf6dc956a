import type { Kysely } from 'kysely';
import type { PlatformSettingsRepository } from './port.js';
import type { Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';

/** Settings an admin changes at run time (`GET/PATCH /admin/settings`), as text by name. */
export class KyselyPlatformSettings implements PlatformSettingsRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async get(name: string): Promise<string | undefined> {
    return (await this.db.selectFrom('platform_settings').select('value').where('name', '=', name).executeTakeFirst())?.value;
  }

  async set(name: string, value: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.db
      .insertInto('platform_settings')
      .values({ name, value, updated_at: now })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
      .execute();
  }
}
