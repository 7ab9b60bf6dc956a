/** Heroku Scheduler jobs on Kysely (both dialects): plain rows, a compare-and-set on the next run. */
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../core/errors.js';
import type { NewSchedulerJob, SchedulerJob, SchedulerJobPatch, SchedulerJobRepository, SchedulerRunStatus } from './scheduler-job-records.js';
import type { Database, SchedulerJobsTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { isForeignKeyViolation } from './unique-violation.js';

const toJob = (row: Selectable<SchedulerJobsTable>): SchedulerJob => ({
  id: row.id,
  appId: row.app_id,
  command: row.command,
  size: row.size,
  frequency: row.frequency,
  at: row.at,
  cron: row.cron,
  nextRunAt: row.next_run_at,
  lastRun:
    row.last_run_status === null || row.last_run_dyno_id === null
      ? null
      : {
          status: row.last_run_status as SchedulerRunStatus,
          dynoId: row.last_run_dyno_id,
          dynoName: row.last_run_dyno_name ?? '',
          exitCode: row.last_run_exit_code === null ? null : Number(row.last_run_exit_code),
          startedAt: row.last_run_started_at ?? row.created_at,
          finishedAt: row.last_run_finished_at,
        },
  lastSkip: row.last_skipped_at === null ? null : { at: row.last_skipped_at, reason: row.last_skip_reason ?? '' },
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselySchedulerJobs implements SchedulerJobRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewSchedulerJob): Promise<SchedulerJob> {
    const now = this.clock.now().toISOString();
    const row: Selectable<SchedulerJobsTable> = {
      id: this.clock.newId(),
      app_id: input.appId,
      command: input.command,
      size: input.size,
      frequency: input.frequency,
      at: input.at,
      cron: input.cron,
      next_run_at: input.nextRunAt,
      last_run_status: null,
      last_run_dyno_id: null,
      last_run_dyno_name: null,
      last_run_exit_code: null,
      last_run_started_at: null,
      last_run_finished_at: null,
      last_skipped_at: null,
      last_skip_reason: null,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.db.insertInto('scheduler_jobs').values(row).execute();
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
      throw err;
    }
    return toJob(row);
  }

  async list(appId: string): Promise<SchedulerJob[]> {
    const rows = await this.db.selectFrom('scheduler_jobs').selectAll().where('app_id', '=', appId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toJob);
  }

  async countForApp(appId: string): Promise<number> {
    const row = await this.db.selectFrom('scheduler_jobs').select((eb) => eb.fn.countAll<number | string>().as('n')).where('app_id', '=', appId).executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  async findById(id: string): Promise<SchedulerJob | undefined> {
    const row = await this.db.selectFrom('scheduler_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toJob(row);
  }

  async update(id: string, patch: SchedulerJobPatch): Promise<SchedulerJob | undefined> {
    const changes: Partial<SchedulerJobsTable> = { updated_at: this.clock.now().toISOString() };
    if (patch.command !== undefined) changes.command = patch.command;
    if (patch.size !== undefined) changes.size = patch.size;
    if (patch.frequency !== undefined) changes.frequency = patch.frequency;
    if (patch.at !== undefined) changes.at = patch.at;
    if (patch.cron !== undefined) changes.cron = patch.cron;
    if (patch.nextRunAt !== undefined) changes.next_run_at = patch.nextRunAt;
    await this.db.updateTable('scheduler_jobs').set(changes).where('id', '=', id).execute();
    return this.findById(id);
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('scheduler_jobs').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async listDue(now: string): Promise<SchedulerJob[]> {
    const rows = await this.db.selectFrom('scheduler_jobs').selectAll().where('next_run_at', '<=', now).orderBy('next_run_at').orderBy('id').execute();
    return rows.map(toJob);
  }

  async nextDue(): Promise<string | undefined> {
    const row = await this.db.selectFrom('scheduler_jobs').select((eb) => eb.fn.min<string | null>('next_run_at').as('next')).executeTakeFirst();
    return row?.next ?? undefined;
  }

  async claimRun(id: string, from: string, to: string): Promise<boolean> {
    const result = await this.db
      .updateTable('scheduler_jobs')
      .set({ next_run_at: to, updated_at: this.clock.now().toISOString() })
      .where('id', '=', id)
      .where('next_run_at', '=', from)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  async runStarted(id: string, run: { dynoId: string; dynoName: string; startedAt: string }): Promise<void> {
    await this.db
      .updateTable('scheduler_jobs')
      .set({
        last_run_status: 'running',
        last_run_dyno_id: run.dynoId,
        last_run_dyno_name: run.dynoName,
        last_run_exit_code: null,
        last_run_started_at: run.startedAt,
        last_run_finished_at: null,
        updated_at: this.clock.now().toISOString(),
      })
      .where('id', '=', id)
      .execute();
  }

  async runFinished(id: string, dynoId: string, end: { status: Exclude<SchedulerRunStatus, 'running'>; exitCode: number | null; finishedAt: string }): Promise<void> {
    await this.db
      .updateTable('scheduler_jobs')
      .set({ last_run_status: end.status, last_run_exit_code: end.exitCode, last_run_finished_at: end.finishedAt, updated_at: this.clock.now().toISOString() })
      .where('id', '=', id)
      .where('last_run_dyno_id', '=', dynoId)
      .execute();
  }

  async runSkipped(id: string, skip: { at: string; reason: string }): Promise<void> {
    await this.db.updateTable('scheduler_jobs').set({ last_skipped_at: skip.at, last_skip_reason: skip.reason, updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
  }

  async listRunning(): Promise<SchedulerJob[]> {
    const rows = await this.db.selectFrom('scheduler_jobs').selectAll().where('last_run_status', '=', 'running').orderBy('id').execute();
    return rows.map(toJob);
  }
}
