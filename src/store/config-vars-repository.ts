import type { Kysely } from 'kysely';
import type { ConfigVars } from '../core/config-vars.js';
import { notFound } from '../core/errors.js';
import type { ConfigVarRepository } from './port.js';
import type { Database } from './schema.js';
import { lockApp, parseConfig } from './app-lock.js';
import { isForeignKeyViolation } from './unique-violation.js';

/**
 * The app's current config (app_config). It changes only through releases.create, so every
 * change is a release; `lock` lets a caller read-modify-write it without losing updates.
 */
export class KyselyConfigVars implements ConfigVarRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async get(appId: string): Promise<ConfigVars> {
    const row = await this.db.selectFrom('app_config').select('config_vars').where('app_id', '=', appId).executeTakeFirst();
    return parseConfig(row?.config_vars ?? '{}');
  }

  async lock(appId: string): Promise<ConfigVars> {
    try {
      return (await lockApp(this.db, appId)).configVars;
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', appId);
      throw err;
    }
  }
}
