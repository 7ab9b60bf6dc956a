import type { Kysely } from 'kysely';
import type { BuildpackInstallationRepository } from './port.js';
import type { BuildpackInstallation, BuildpackRef } from './records.js';
import type { Database } from './schema.js';
import { inTransaction } from './app-lock.js';

export class KyselyBuildpackInstallations implements BuildpackInstallationRepository {
  constructor(private readonly db: Kysely<Database>) {}

  async list(appId: string): Promise<BuildpackInstallation[]> {
    const rows = await this.db.selectFrom('buildpack_installations').selectAll().where('app_id', '=', appId).orderBy('ordinal').execute();
    return rows.map((r) => ({ ordinal: Number(r.ordinal), buildpack: { url: r.url, name: r.name } }));
  }

  async replace(appId: string, buildpacks: readonly BuildpackRef[]): Promise<BuildpackInstallation[]> {
    await inTransaction(this.db, async (db) => {
      await db.deleteFrom('buildpack_installations').where('app_id', '=', appId).execute();
      if (buildpacks.length > 0) {
        await db
          .insertInto('buildpack_installations')
          .values(buildpacks.map((b, i) => ({ app_id: appId, ordinal: i + 1, url: b.url, name: b.name })))
          .execute();
      }
    });
    return this.list(appId);
  }
}
