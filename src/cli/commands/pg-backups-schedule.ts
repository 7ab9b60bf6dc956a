import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveDatabase, type ScheduleJson } from '../pg-data.js';

/** `'02:00 UTC'` → hour and zone, as the official CLI reads --at. Pure; the API checks the zone. */
export function parseAt(at: string): { hour: number; timezone: string } {
  const match = /^\s*(0?\d|1\d|2[0-3]):00(?:\s*(\S+))?\s*$/.exec(at);
  if (!match) throw new UsageError(`--at ${JSON.stringify(at)} is invalid: use 'HOUR:00 [TIMEZONE]', e.g. --at '02:00 UTC'.`);
  return { hour: Number(match[1]), timezone: match[2] ?? 'UTC' };
}

export const pgBackupsSchedule: Command = {
  name: 'pg:backups:schedule',
  summary: 'back up a database every day at an hour, keeping 7 daily and 4 weekly backups',
  description: 'The control plane runs the schedule; a run missed while Berth was down runs when it starts again.',
  usage: "pg:backups:schedule [DATABASE] --at 'HH:00 [TIMEZONE]' [--retain-daily N] [--retain-weekly N] [-a APP]",
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' }],
  flags: {
    at: { type: 'string', value: "'02:00 UTC'", description: 'the hour, in UTC or a zone (PST, Europe/Berlin)' },
    'retain-daily': { type: 'string', value: 'N', description: 'daily backups to keep (default 7)' },
    'retain-weekly': { type: 'string', value: 'N', description: 'weekly backups to keep (default 4)' },
  },
  needsApp: true,
  examples: ["berth pg:backups:schedule --at '02:00 UTC'", "berth pg:backups:schedule HEROKU_POSTGRESQL_RED --at '23:00 Europe/Berlin' --retain-daily 3"],
  async run(ctx) {
    const app = ctx.app();
    const at = ctx.string('at');
    if (at === undefined) throw new UsageError("Missing --at: when to back up, e.g. --at '02:00 UTC'.");
    const { hour, timezone } = parseAt(at);
    const db = await resolveDatabase(ctx.api, app, ctx.args[0]);
    const body: Record<string, unknown> = { hour, timezone, schedule_name: `${db.attachment_names[0] ?? 'DATABASE'}_URL` };
    for (const [flag, field] of [['retain-daily', 'retain_daily'], ['retain-weekly', 'retain_weekly']] as const) {
      const value = ctx.string(flag);
      if (value !== undefined) body[field] = value;
    }
    const s = await ctx.api.post<ScheduleJson>(`/client/v11/databases/${db.addon_id}/transfer-schedules`, body);
    ctx.print(`Scheduled daily backups of ${db.name} at ${String(s.hour).padStart(2, '0')}:00 ${s.timezone}, keeping ${s.retain_daily} daily and ${s.retain_weekly} weekly (next: ${s.next_run_at})`);
  },
};
