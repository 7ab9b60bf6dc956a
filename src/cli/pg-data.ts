/**
 * The data API as `berth pg:*` and `redis:*` use it: naming a database on an app (Berth's
 * `/client/v11/apps/:app/databases/:database`), finding a backup by name (`b001`, default the
 * newest that succeeded), waiting for a transfer with progress on stderr, and the shapes.
 */
import type { ApiClient } from './api-client.js';
import { CliError } from './cli-error.js';

export interface DatabaseJson {
  addon_id: string;
  name: string;
  plan: string;
  attachment_names: string[];
  resource_url: string;
  available: boolean;
  info: Array<{ name: string; values: unknown[] }>;
}

export interface TransferJson {
  uuid: string;
  num: number;
  name: string;
  from_name: string;
  from_type: string;
  to_name: string;
  to_type: string;
  to_url: string | null;
  succeeded: boolean;
  warnings: number;
  error: string | null;
  source_bytes: number;
  processed_bytes: number;
  schedule: { uuid: string } | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  canceled_at: string | null;
  logs?: Array<{ created_at: string; message: string }>;
}

export interface ScheduleJson {
  uuid: string;
  name: string;
  hour: number;
  timezone: string;
  retain_daily: number;
  retain_weekly: number;
  next_run_at: string;
}

const enc = encodeURIComponent;

export const transfersPath = (app: string, rest = ''): string => `/client/v11/apps/${enc(app)}/transfers${rest}`;

/** The database DATABASE names on the app (default: its DATABASE attachment). */
export function resolveDatabase(api: ApiClient, app: string, database: string | undefined): Promise<DatabaseJson> {
  return api.get<DatabaseJson>(`/client/v11/apps/${enc(app)}/databases/${enc(database ?? '-')}`);
}

export const isBackup = (t: TransferJson): boolean => t.from_type === 'pg_dump' && t.to_type === 'gof3r';

/** The backup named (`b001`, `a002`, or `APP::b001`), else the newest backup that succeeded. */
export async function findBackup(api: ApiClient, app: string, name: string | undefined): Promise<{ app: string; backup: TransferJson }> {
  let owner = app;
  let wanted = name;
  if (name?.includes('::')) [owner, wanted] = name.split('::', 2) as [string, string];
  const backups = (await api.get<TransferJson[]>(transfersPath(owner))).filter(isBackup);
  if (wanted !== undefined) {
    const found = backups.find((b) => b.name === wanted || String(b.num) === wanted);
    if (!found) throw new CliError(`Backup ${wanted} not found for ${owner}.`, { hint: `See the backups with \`berth pg:backups -a ${owner}\`.` });
    if (!found.succeeded) throw new CliError(`Backup ${wanted} of ${owner} did not complete successfully.`, { hint: `See why with \`berth pg:backups:info ${wanted} -a ${owner}\`.` });
    return { app: owner, backup: found };
  }
  const newest = backups.filter((b) => b.succeeded).sort((a, b) => (b.finished_at ?? '').localeCompare(a.finished_at ?? ''))[0];
  if (!newest) throw new CliError(`No backups for ${owner}.`, { hint: 'Capture one with `berth pg:backups:capture`.' });
  return { app: owner, backup: newest };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(2)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(2)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(2)} kB`;
  return `${bytes} B`;
}

/** Heroku's status column: Completed …, Failed …, Running (processed …), Pending. */
export function transferStatus(t: TransferJson): string {
  if (t.finished_at && t.succeeded) return t.warnings > 0 ? `Finished with ${t.warnings} warnings` : `Completed ${t.finished_at}`;
  if (t.canceled_at && t.finished_at) return `Canceled ${t.finished_at}`;
  if (t.finished_at) return `Failed ${t.finished_at}`;
  if (t.started_at) return `Running (processed ${formatBytes(t.processed_bytes)})`;
  return 'Pending';
}

/**
 * Polls the transfer until it finishes, writing progress to `progress` when given; throws a
 * CliError with the transfer's error (and its last log lines) when it failed.
 */
export async function waitForTransfer(api: ApiClient, app: string, transfer: TransferJson, progress?: (text: string) => void, intervalMs = 1000): Promise<TransferJson> {
  let current = transfer;
  while (!current.finished_at) {
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
    current = await api.get<TransferJson>(transfersPath(app, `/${current.num}`));
    progress?.(current.started_at ? formatBytes(current.processed_bytes) : 'pending');
  }
  if (current.succeeded) return current;
  const verbose = await api.get<TransferJson>(transfersPath(app, `/${current.num}?verbose=true`));
  const last = (verbose.logs ?? []).slice(-5).map((l) => l.message);
  throw new CliError(`${current.name} failed: ${current.error ?? 'see its log'}${last.length ? `\n${last.join('\n')}` : ''}`, {
    hint: `See the whole log with \`berth pg:backups:info ${current.name} -a ${app}\`.`,
  });
}

/** Refuses a destructive command unless --confirm names the app. */
export function requireConfirm(app: string, confirm: string | undefined, what: string, retry: string): void {
  if (confirm === app) return;
  const why = confirm === undefined ? '' : ` (--confirm ${confirm} does not match)`;
  throw new CliError(`${what}${why}.`, { hint: `To proceed, run: ${retry} --confirm ${app}` });
}
