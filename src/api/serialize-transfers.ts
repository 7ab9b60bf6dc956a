/**
 * Heroku PGBackups' shapes: a transfer (backup, restore, copy) as `/client/v11/apps/:app/transfers`
 * shows it, and a daily schedule. `to_url` of a backup is its download path on this API; a
 * restore recognises it (and only a signed copy of it downloads without a key).
 */
import { transferName } from '../core/pg-transfers.js';
import type { PgBackupSchedule, PgTransfer } from '../store/port.js';
import type { ApiDeps } from './context.js';

/** `/client/v11/apps/<app id>/transfers/<num>/download`: a backup's file on this API. */
export const backupPath = (transfer: Pick<PgTransfer, 'appId' | 'num'>): string => `/client/v11/apps/${transfer.appId}/transfers/${transfer.num}/download`;

/** Reads `backupPath` back from a URL given to a restore; undefined for anything else. */
export function parseBackupUrl(url: string): { appId: string; num: number } | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  const match = /^\/client\/v11\/apps\/([0-9a-f-]{36})\/transfers\/(\d+)\/download$/.exec(path);
  return match ? { appId: match[1] as string, num: Number(match[2]) } : undefined;
}

export function transferLabel(transfer: PgTransfer): string {
  return transferName(transfer.kind, transfer.scheduleId !== null, transfer.num);
}

export function serializeTransfer(deps: Pick<ApiDeps, 'urls'>, transfer: PgTransfer, options: { verbose?: boolean; scheduleName?: string } = {}): Record<string, unknown> {
  const body: Record<string, unknown> = {
    uuid: transfer.id,
    num: transfer.num,
    name: transferLabel(transfer),
    from_name: transfer.fromName,
    from_type: transfer.fromType,
    to_name: transfer.toName,
    to_type: transfer.toType,
    to_url: transfer.kind === 'backup' ? deps.urls.apiUrl(backupPath(transfer)) : null,
    options: {},
    source_bytes: transfer.sourceBytes,
    processed_bytes: transfer.processedBytes,
    succeeded: transfer.succeeded === true,
    warnings: transfer.warnings,
    error: transfer.error,
    schedule: transfer.scheduleId ? { uuid: transfer.scheduleId, name: options.scheduleName ?? null } : null,
    app_uuid: transfer.appId,
    from_addon_uuid: transfer.fromAddonId,
    to_addon_uuid: transfer.toAddonId,
    created_at: transfer.createdAt,
    started_at: transfer.startedAt,
    finished_at: transfer.finishedAt,
    canceled_at: transfer.canceledAt,
    updated_at: transfer.updatedAt,
    deleted_at: null,
  };
  if (options.verbose) body.logs = transfer.logs.map((l) => ({ created_at: l.createdAt, message: l.message, level: 'info' }));
  return body;
}

export function serializeSchedule(schedule: PgBackupSchedule): Record<string, unknown> {
  return {
    uuid: schedule.id,
    name: schedule.name,
    hour: schedule.hour,
    days: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
    timezone: schedule.timezone,
    retain_daily: schedule.retainDaily,
    retain_weekly: schedule.retainWeekly,
    next_run_at: schedule.nextRunAt,
    created_at: schedule.createdAt,
    updated_at: schedule.updatedAt,
  };
}
