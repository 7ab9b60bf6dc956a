import type { Kysely, Selectable, Updateable } from 'kysely';
import type { AppSetup, AppSetupProgress, AppSetupRepository, AppSetupStatus } from './app-setup-records.js';
import type { AppSetupsTable, Database } from './schema.js';
import type { StoreClock } from './kysely-store.js';

const toSetup = (row: Selectable<AppSetupsTable>): AppSetup => ({
  id: row.id,
  accountId: row.account_id,
  appId: row.app_id,
  appName: row.app_name,
  status: row.status as AppSetupStatus,
  failureMessage: row.failure_message,
  buildId: row.build_id,
  manifestErrors: JSON.parse(row.manifest_errors) as string[],
  postdeploy: row.postdeploy_exit_code === null ? null : { output: row.postdeploy_output ?? '', exitCode: Number(row.postdeploy_exit_code) },
  resolvedSuccessUrl: row.resolved_success_url,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/** App setups (see app-setup-records.ts). */
export class KyselyAppSetups implements AppSetupRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(accountId: string): Promise<AppSetup> {
    const now = this.clock.now().toISOString();
    const row = {
      id: this.clock.newId(),
      account_id: accountId,
      app_id: null,
      app_name: null,
      status: 'pending',
      failure_message: null,
      build_id: null,
      manifest_errors: '[]',
      postdeploy_output: null,
      postdeploy_exit_code: null,
      resolved_success_url: null,
      created_at: now,
      updated_at: now,
    };
    await this.db.insertInto('app_setups').values(row).execute();
    return toSetup(row);
  }

  async find(id: string): Promise<AppSetup | undefined> {
    const row = await this.db.selectFrom('app_setups').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toSetup(row) : undefined;
  }

  async update(id: string, progress: AppSetupProgress): Promise<AppSetup | undefined> {
    const set: Updateable<AppSetupsTable> = { updated_at: this.clock.now().toISOString() };
    if (progress.appId !== undefined) set.app_id = progress.appId;
    if (progress.appName !== undefined) set.app_name = progress.appName;
    if (progress.status !== undefined) set.status = progress.status;
    if (progress.failureMessage !== undefined) set.failure_message = progress.failureMessage;
    if (progress.buildId !== undefined) set.build_id = progress.buildId;
    if (progress.manifestErrors !== undefined) set.manifest_errors = JSON.stringify(progress.manifestErrors);
    if (progress.postdeploy !== undefined) {
      set.postdeploy_output = progress.postdeploy?.output ?? null;
      set.postdeploy_exit_code = progress.postdeploy?.exitCode ?? null;
    }
    if (progress.resolvedSuccessUrl !== undefined) set.resolved_success_url = progress.resolvedSuccessUrl;
    await this.db.updateTable('app_setups').set(set).where('id', '=', id).where('status', '=', 'pending').execute();
    return this.find(id);
  }

  async failPending(message: string): Promise<string[]> {
    const rows = await this.db.selectFrom('app_setups').select('id').where('status', '=', 'pending').execute();
    if (rows.length === 0) return [];
    await this.db
      .updateTable('app_setups')
      .set({ status: 'failed', failure_message: message, updated_at: this.clock.now().toISOString() })
      .where('status', '=', 'pending')
      .execute();
    return rows.map((r) => r.id);
  }
}
