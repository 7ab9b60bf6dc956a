import type { Kysely, Selectable } from 'kysely';
import { PlatformError } from '../core/errors.js';
import type { App, Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';
import type { AppFilter, AppRepository, NewApp } from './port.js';
import type { AppsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isUniqueViolation } from './unique-violation.js';
import { paginate } from './paginate.js';
import { accessibleAppIds } from './accessible-apps.js';
import { inTransaction } from './app-lock.js';
import { KyselySlugs } from './slugs-repository.js';

const toApp = (row: Selectable<AppsTable>): App => ({
  id: row.id,
  name: row.name,
  ownerId: row.owner_id,
  region: row.region,
  stack: row.stack,
  buildStack: row.build_stack,
  teamId: row.team_id ?? null,
  maintenance: row.maintenance === 1,
  releasedAt: row.released_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

const taken = (name: string) => new PlatformError('conflict', `Name ${name} is already taken. Choose another name.`);

export class KyselyApps implements AppRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewApp): Promise<App> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      name: input.name,
      owner_id: input.ownerId,
      region: input.region,
      stack: input.stack,
      build_stack: input.stack,
      maintenance: 0,
      released_at: null,
      team_id: input.teamId ?? null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('apps').values(row).execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw taken(input.name);
      throw err;
    }
    return toApp(row);
  }

  async findById(id: string): Promise<App | undefined> {
    const row = await this.db.selectFrom('apps').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toApp(row);
  }

  async findByName(name: string): Promise<App | undefined> {
    const row = await this.db.selectFrom('apps').selectAll().where('name', '=', name).executeTakeFirst();
    return row && toApp(row);
  }

  async list(filter: AppFilter, page: PageRequest): Promise<Page<App>> {
    const column = page.field === 'id' ? 'id' : 'name';
    let query = this.db.selectFrom('apps').selectAll();
    if (filter.ownerId !== undefined) query = query.where('owner_id', '=', filter.ownerId).where('team_id', 'is', null);
    if (filter.accessibleBy !== undefined) query = query.where('id', 'in', accessibleAppIds(this.db, filter.accessibleBy));
    if (filter.teamId !== undefined) query = query.where('team_id', '=', filter.teamId);
    return paginate(query, column, page, toApp, (app) => (column === 'id' ? app.id : app.name));
  }

  async update(id: string, changes: Partial<Pick<App, 'name' | 'maintenance' | 'buildStack' | 'releasedAt' | 'ownerId' | 'teamId'>>): Promise<App> {
    const set: Partial<AppsTable> = { updated_at: this.clock.now().toISOString() };
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.maintenance !== undefined) set.maintenance = changes.maintenance ? 1 : 0;
    if (changes.buildStack !== undefined) set.build_stack = changes.buildStack;
    if (changes.releasedAt !== undefined) set.released_at = changes.releasedAt;
    if (changes.ownerId !== undefined) set.owner_id = changes.ownerId;
    if (changes.teamId !== undefined) set.team_id = changes.teamId;
    try {
      await this.db.updateTable('apps').set(set).where('id', '=', id).execute();
    } catch (err) {
      if (isUniqueViolation(err) && changes.name !== undefined) throw taken(changes.name);
      throw err;
    }
    const app = await this.findById(id);
    if (!app) throw new PlatformError('not_found', `Couldn't find that app: ${id}.`);
    return app;
  }

  delete(id: string): Promise<boolean> {
    return inTransaction(this.db, async (db) => {
      // Slugs promoted to other apps stay with them (their releases still run them).
      await new KyselySlugs(db, this.clock).handOver(id);
      const result = await db.deleteFrom('apps').where('id', '=', id).executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    });
  }
}
