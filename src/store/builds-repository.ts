import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../core/errors.js';
import type { Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';
import type { BuildRepository, BuildResult, NewBuild } from './port.js';
import type { Build, BuildpackRef, BuildStatus, SourceBlob } from './records.js';
import type { BuildsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { paginate } from './paginate.js';
import { isForeignKeyViolation } from './unique-violation.js';

const toBuild = (row: Selectable<BuildsTable>): Build => {
  const blob = JSON.parse(row.source_blob) as { url: string; checksum: string | null; version: string | null; version_description: string | null };
  const sourceBlob: SourceBlob = { url: blob.url, checksum: blob.checksum, version: blob.version, versionDescription: blob.version_description };
  return {
    id: row.id,
    appId: row.app_id,
    status: row.status as BuildStatus,
    sourceBlob,
    buildpacks: JSON.parse(row.buildpacks) as BuildpackRef[],
    slugId: row.slug_id,
    releaseId: row.release_id,
    userId: row.user_id,
    userEmail: row.user_email,
    outputKey: row.output_key,
    stack: row.stack,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
};

/** The message a build gets when Berth finds it still pending after a restart. */
export const STALE_BUILD_ERROR = 'Berth stopped while this build was running, so it was marked failed. Push or create the build again.';

export class KyselyBuilds implements BuildRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewBuild): Promise<Build> {
    const now = this.clock.now().toISOString();
    const { sourceBlob } = input;
    const row = {
      id: this.clock.newId(),
      app_id: input.appId,
      status: 'pending',
      source_blob: JSON.stringify({ url: sourceBlob.url, checksum: sourceBlob.checksum, version: sourceBlob.version, version_description: sourceBlob.versionDescription }),
      buildpacks: JSON.stringify(input.buildpacks),
      slug_id: null,
      release_id: null,
      user_id: input.user?.id ?? null,
      user_email: input.user?.email ?? null,
      output_key: null,
      stack: input.stack,
      error: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('builds').values(row).execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
      throw err;
    }
    return toBuild(row);
  }

  async findById(id: string): Promise<Build | undefined> {
    const row = await this.db.selectFrom('builds').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toBuild(row);
  }

  async find(appId: string, id: string): Promise<Build | undefined> {
    const row = await this.db.selectFrom('builds').selectAll().where('app_id', '=', appId).where('id', '=', id).executeTakeFirst();
    return row && toBuild(row);
  }

  async idsForApp(appId: string): Promise<string[]> {
    const rows = await this.db.selectFrom('builds').select('id').where('app_id', '=', appId).execute();
    return rows.map((r) => r.id);
  }

  async list(appId: string, page: PageRequest): Promise<Page<Build>> {
    const column = page.field === 'id' ? 'id' : 'created_at';
    const query = this.db.selectFrom('builds').selectAll().where('app_id', '=', appId);
    return paginate(query, column, page, toBuild, (b) => (column === 'id' ? b.id : b.createdAt));
  }

  async finish(id: string, result: BuildResult): Promise<Build | undefined> {
    await this.db
      .updateTable('builds')
      .set({
        status: result.status,
        slug_id: result.slugId ?? null,
        release_id: result.releaseId ?? null,
        error: result.status === 'failed' ? (result.error ?? 'The build failed.') : null,
        output_key: result.outputKey ?? null,
        updated_at: this.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    return this.findById(id);
  }

  async failStale(error: string = STALE_BUILD_ERROR): Promise<string[]> {
    const result = await this.db
      .updateTable('builds')
      .set({ status: 'failed', error, updated_at: this.clock.now().toISOString() })
      .where('status', '=', 'pending')
      .returning('id')
      .execute();
    return result.map((r) => r.id);
  }
}
