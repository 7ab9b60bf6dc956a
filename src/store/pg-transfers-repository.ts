/**
 * Postgres transfers and backup schedules on Kysely (both dialects). A transfer's number is the
 * app's highest so far plus one, taken under the app lock; deleted transfers keep theirs.
 */
import type { Kysely, Selectable } from 'kysely';
import { notFound } from '../core/errors.js';
import type { TransferKind } from '../core/pg-transfers.js';
import type {
  NewPgBackupSchedule,
  NewPgTransfer,
  PgBackupSchedule,
  PgBackupScheduleRepository,
  PgTransfer,
  PgTransferOutcome,
  PgTransferRepository,
  TransferLogLine,
} from './pg-transfer-records.js';
import type { Database, PgBackupSchedulesTable, PgTransfersTable } from './schema.js';
import type { StoreClock } from './kysely-store.js';
import { inTransaction, lockApp } from './app-lock.js';
import { isForeignKeyViolation } from './unique-violation.js';

function parseLogs(json: string): TransferLogLine[] {
  const raw = JSON.parse(json) as Array<{ created_at: string; message: string }>;
  return raw.map((l) => ({ createdAt: l.created_at, message: l.message }));
}

const logsJson = (logs: TransferLogLine[]): string => JSON.stringify(logs.map((l) => ({ created_at: l.createdAt, message: l.message })));

const toTransfer = (row: Selectable<PgTransfersTable>): PgTransfer => ({
  id: row.id,
  appId: row.app_id,
  num: Number(row.num),
  kind: row.kind as TransferKind,
  scheduleId: row.schedule_id,
  fromAddonId: row.from_addon_id,
  fromName: row.from_name,
  fromType: row.from_type,
  toAddonId: row.to_addon_id,
  toName: row.to_name,
  toType: row.to_type,
  backupId: row.backup_id,
  blobKey: row.blob_key,
  sourceBytes: Number(row.source_bytes),
  processedBytes: Number(row.processed_bytes),
  warnings: Number(row.warnings),
  succeeded: row.succeeded === null ? null : Number(row.succeeded) === 1,
  error: row.error,
  logs: parseLogs(row.logs),
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  canceledAt: row.canceled_at,
  updatedAt: row.updated_at,
});

export class KyselyPgTransfers implements PgTransferRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async create(input: NewPgTransfer): Promise<PgTransfer> {
    const now = this.clock.now().toISOString();
    try {
      return await inTransaction(this.db, async (db) => {
        await lockApp(db, input.appId);
        const { top } = await db
          .selectFrom('pg_transfers')
          .select((eb) => eb.fn.max<number | null>('num').as('top'))
          .where('app_id', '=', input.appId)
          .executeTakeFirstOrThrow();
        const row: Selectable<PgTransfersTable> = {
          id: this.clock.newId(),
          app_id: input.appId,
          num: Number(top ?? 0) + 1,
          kind: input.kind,
          schedule_id: input.scheduleId ?? null,
          from_addon_id: input.fromAddonId,
          from_name: input.fromName,
          from_type: input.fromType,
          to_addon_id: input.toAddonId,
          to_name: input.toName,
          to_type: input.toType,
          backup_id: input.backupId ?? null,
          blob_key: input.blobKey ?? null,
          source_bytes: 0,
          processed_bytes: 0,
          warnings: 0,
          succeeded: null,
          error: null,
          logs: '[]',
          created_at: now,
          started_at: null,
          finished_at: null,
          canceled_at: null,
          deleted_at: null,
          updated_at: now,
        };
        await db.insertInto('pg_transfers').values(row).execute();
        return toTransfer(row);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
      throw err;
    }
  }

  async list(appId: string): Promise<PgTransfer[]> {
    const rows = await this.db.selectFrom('pg_transfers').selectAll().where('app_id', '=', appId).where('deleted_at', 'is', null).orderBy('num').execute();
    return rows.map(toTransfer);
  }

  async findByNum(appId: string, num: number): Promise<PgTransfer | undefined> {
    const row = await this.db.selectFrom('pg_transfers').selectAll().where('app_id', '=', appId).where('num', '=', num).where('deleted_at', 'is', null).executeTakeFirst();
    return row && toTransfer(row);
  }

  async findById(id: string): Promise<PgTransfer | undefined> {
    const row = await this.db.selectFrom('pg_transfers').selectAll().where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
    return row && toTransfer(row);
  }

  async start(id: string): Promise<PgTransfer> {
    const now = this.clock.now().toISOString();
    await this.db.updateTable('pg_transfers').set({ started_at: now, updated_at: now }).where('id', '=', id).where('started_at', 'is', null).execute();
    const found = await this.findById(id);
    if (!found) throw notFound('transfer', id);
    return found;
  }

  async progress(id: string, processedBytes: number, logs: TransferLogLine[]): Promise<void> {
    await this.db
      .updateTable('pg_transfers')
      .set({ processed_bytes: processedBytes, logs: logsJson(logs), updated_at: this.clock.now().toISOString() })
      .where('id', '=', id)
      .where('finished_at', 'is', null)
      .execute();
  }

  async finish(id: string, outcome: PgTransferOutcome): Promise<PgTransfer> {
    const now = this.clock.now().toISOString();
    await this.db
      .updateTable('pg_transfers')
      .set({
        succeeded: outcome.succeeded ? 1 : 0,
        ...(outcome.sourceBytes !== undefined ? { source_bytes: outcome.sourceBytes } : {}),
        processed_bytes: outcome.processedBytes,
        warnings: outcome.warnings,
        error: outcome.error ?? null,
        logs: logsJson(outcome.logs),
        finished_at: now,
        updated_at: now,
      })
      .where('id', '=', id)
      .where('finished_at', 'is', null)
      .execute();
    const row = await this.db.selectFrom('pg_transfers').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw notFound('transfer', id);
    return toTransfer(row);
  }

  async markCanceled(id: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.db.updateTable('pg_transfers').set({ canceled_at: now, updated_at: now }).where('id', '=', id).where('finished_at', 'is', null).execute();
  }

  async markDeleted(id: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.db.updateTable('pg_transfers').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
  }

  async listUnfinished(): Promise<PgTransfer[]> {
    const rows = await this.db.selectFrom('pg_transfers').selectAll().where('finished_at', 'is', null).where('deleted_at', 'is', null).orderBy('created_at').execute();
    return rows.map(toTransfer);
  }
}

const toSchedule = (row: Selectable<PgBackupSchedulesTable>): PgBackupSchedule => ({
  id: row.id,
  appId: row.app_id,
  addonId: row.addon_id,
  name: row.name,
  hour: Number(row.hour),
  timezone: row.timezone,
  retainDaily: Number(row.retain_daily),
  retainWeekly: Number(row.retain_weekly),
  nextRunAt: row.next_run_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class KyselyPgBackupSchedules implements PgBackupScheduleRepository {
  constructor(private readonly db: Kysely<Database>, private readonly clock: StoreClock) {}

  async put(input: NewPgBackupSchedule): Promise<PgBackupSchedule> {
    const now = this.clock.now().toISOString();
    try {
      return await inTransaction(this.db, async (db) => {
        await lockApp(db, input.appId);
        const before = await db.selectFrom('pg_backup_schedules').selectAll().where('addon_id', '=', input.addonId).executeTakeFirst();
        const row: Selectable<PgBackupSchedulesTable> = {
          id: before?.id ?? this.clock.newId(),
          app_id: input.appId,
          addon_id: input.addonId,
          name: input.name,
          hour: input.hour,
          timezone: input.timezone,
          retain_daily: input.retainDaily,
          retain_weekly: input.retainWeekly,
          next_run_at: input.nextRunAt,
          created_at: before?.created_at ?? now,
          updated_at: now,
        };
        if (before) {
          const { id: _id, created_at: _created, ...changes } = row;
          await db.updateTable('pg_backup_schedules').set(changes).where('id', '=', before.id).execute();
        } else {
          await db.insertInto('pg_backup_schedules').values(row).execute();
        }
        return toSchedule(row);
      });
    } catch (err) {
      if (isForeignKeyViolation(err)) throw notFound('app', input.appId);
      throw err;
    }
  }

  async listForAddon(addonId: string): Promise<PgBackupSchedule[]> {
    const rows = await this.db.selectFrom('pg_backup_schedules').selectAll().where('addon_id', '=', addonId).execute();
    return rows.map(toSchedule);
  }

  async findById(id: string): Promise<PgBackupSchedule | undefined> {
    const row = await this.db.selectFrom('pg_backup_schedules').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toSchedule(row);
  }

  async listDue(now: string): Promise<PgBackupSchedule[]> {
    const rows = await this.db.selectFrom('pg_backup_schedules').selectAll().where('next_run_at', '<=', now).orderBy('next_run_at').execute();
    return rows.map(toSchedule);
  }

  async nextDue(): Promise<string | undefined> {
    const row = await this.db.selectFrom('pg_backup_schedules').select((eb) => eb.fn.min<string | null>('next_run_at').as('next')).executeTakeFirst();
    return row?.next ?? undefined;
  }

  async setNextRun(id: string, nextRunAt: string): Promise<void> {
    await this.db.updateTable('pg_backup_schedules').set({ next_run_at: nextRunAt, updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('pg_backup_schedules').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
