// Pipelines and pipeline couplings on Kysely (one code path for SQLite and PostgreSQL).
import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { PipelineStage } from '../core/pipeline-stage.js';
import type { Pipeline, PipelineCoupling, PipelineCouplingRepository, PipelineRepository } from './pipeline-records.js';
import type { Database, PipelineCouplingsTable, PipelinesTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation, isUniqueViolation } from './unique-violation.js';
import { accessibleAppIds } from './accessible-apps.js';

const toPipeline = (row: Selectable<PipelinesTable>): Pipeline => ({
  id: row.id,
  name: row.name,
  ownerId: row.owner_id,
  generation: row.generation,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const toCoupling = (row: Selectable<PipelineCouplingsTable>): PipelineCoupling => ({
  id: row.id,
  pipelineId: row.pipeline_id,
  appId: row.app_id,
  stage: row.stage as PipelineStage,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const nameTaken = (name: string) => new PlatformError('conflict', `A pipeline named ${name} already exists. Pick another name, or add your app to it with \`berth pipelines:add ${name}\`.`);

export class KyselyPipelines implements PipelineRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: { name: string; ownerId: string; generation: string }): Promise<Pipeline> {
    const now = this.clock.now().toISOString();
    const row = { id: this.clock.newId(), name: input.name, owner_id: input.ownerId, generation: input.generation, created_at: now, updated_at: now };
    try {
      await this.db.insertInto('pipelines').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(input.name);
      throw err;
    }
    return toPipeline(row);
  }

  async findById(id: string): Promise<Pipeline | undefined> {
    const row = await this.db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toPipeline(row);
  }

  async findByName(name: string): Promise<Pipeline | undefined> {
    const row = await this.db.selectFrom('pipelines').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toPipeline(row);
  }

  async list(filter: { ownerId?: string; visibleTo?: string; name?: string }): Promise<Pipeline[]> {
    let query = this.db.selectFrom('pipelines').selectAll();
    if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId);
    const viewer = filter.visibleTo;
    if (viewer !== undefined) {
      query = query.where((eb) =>
        eb.or([
          eb('pipelines.owner_id', '=', viewer),
          eb('pipelines.id', 'in', eb.selectFrom('pipeline_couplings').select('pipeline_couplings.pipeline_id').where('pipeline_couplings.app_id', 'in', accessibleAppIds(this.db, viewer))),
        ]),
      );
    }
    if (filter.name !== undefined) query = query.where('name', '=', filter.name);
    return (await query.orderBy('name').execute()).map(toPipeline);
  }

  async rename(id: string, name: string): Promise<Pipeline | undefined> {
    try {
      await this.db.updateTable('pipelines').set({ name, updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw nameTaken(name);
      throw err;
    }
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('pipelines').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

export class KyselyPipelineCouplings implements PipelineCouplingRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: { pipelineId: string; appId: string; stage: PipelineStage }): Promise<PipelineCoupling> {
    const now = this.clock.now().toISOString();
    const row = { id: this.clock.newId(), pipeline_id: input.pipelineId, app_id: input.appId, stage: input.stage, created_at: now, updated_at: now };
    try {
      await this.db.insertInto('pipeline_couplings').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) {
        const held = await this.db
          .selectFrom('pipeline_couplings as c')
          .innerJoin('pipelines as p', 'p.id', 'c.pipeline_id')
          .select(['p.name', 'c.stage'])
          .where('c.app_id', '=', input.appId)
          .executeTakeFirst();
        const where = held ? `pipeline ${held.name} (stage ${held.stage})` : 'a pipeline';
        throw new PlatformError('conflict', `The app is already in ${where}; an app belongs to one pipeline. Remove it first with \`berth pipelines:remove\`, or change its stage with \`berth pipelines:add\` after removing it.`);
      }
      if (isForeignKeyViolation(err)) throw new PlatformError('not_found', "Couldn't find that app or pipeline.");
      throw err;
    }
    return toCoupling(row);
  }

  async findById(id: string): Promise<PipelineCoupling | undefined> {
    const row = await this.db.selectFrom('pipeline_couplings').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toCoupling(row);
  }

  async findByApp(appId: string): Promise<PipelineCoupling | undefined> {
    const row = await this.db.selectFrom('pipeline_couplings').selectAll().where('app_id', '=', appId).executeTakeFirst();
    return row && toCoupling(row);
  }

  async listForPipeline(pipelineId: string): Promise<PipelineCoupling[]> {
    const rows = await this.db.selectFrom('pipeline_couplings').selectAll().where('pipeline_id', '=', pipelineId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toCoupling);
  }

  async setStage(id: string, stage: PipelineStage): Promise<PipelineCoupling | undefined> {
    await this.db.updateTable('pipeline_couplings').set({ stage, updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('pipeline_couplings').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
