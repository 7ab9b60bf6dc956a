import { invalidParams, notFound } from '../../core/errors.js';
import { DEFAULT_RETENTION, nextScheduledRun, normalizeTimezone } from '../../core/pg-transfers.js';
import type { RequestContext, Route } from '../context.js';
import { displayName, findDataAddon, POSTGRES_SERVICE } from '../data-access.js';
import { optionalString } from '../params.js';
import { serializeSchedule } from '../serialize-transfers.js';

/**
 * Daily backup schedules of a Postgres database (`/client/v11/databases/:id/transfer-schedules`,
 * `pg:backups:schedule --at '02:00 UTC'`). The control plane's backup scheduler runs them at the
 * stored next-run time and keeps `retain_daily` daily and `retain_weekly` weekly backups.
 */

const database = (ctx: RequestContext) => findDataAddon(ctx, ctx.params.database as string, POSTGRES_SERVICE);

function count(body: Record<string, unknown>, field: string, fallback: number): number {
  const value = body[field];
  if (value === undefined || value === null) return fallback;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 100) throw invalidParams(`${field} must be a whole number from 0 to 100.`);
  return n;
}

export const pgScheduleRoutes: Route[] = [
  {
    method: 'GET',
    path: '/client/v11/databases/:database/transfer-schedules',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      return { status: 200, body: (await ctx.deps.store.pgBackupSchedules.listForAddon(addon.id)).map(serializeSchedule) };
    },
  },
  {
    method: 'POST',
    path: '/client/v11/databases/:database/transfer-schedules',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const addon = await database(ctx);
      const rawHour = body.hour;
      const hour = typeof rawHour === 'string' && /^\d{1,2}$/.test(rawHour) ? Number(rawHour) : rawHour;
      if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) throw invalidParams('hour must be a whole hour from 0 to 23, e.g. {"hour": 2, "timezone": "UTC"}.');
      const timezone = normalizeTimezone(optionalString(body, 'timezone', 64) ?? 'UTC');
      const retainDaily = count(body, 'retain_daily', DEFAULT_RETENTION.daily);
      const retainWeekly = count(body, 'retain_weekly', DEFAULT_RETENTION.weekly);
      if (retainDaily + retainWeekly === 0) throw invalidParams('Keep at least one backup: retain_daily and retain_weekly are both 0.');
      const name = optionalString(body, 'schedule_name', 200) ?? `${displayName(addon)}_URL`;
      const schedule = await ctx.deps.store.pgBackupSchedules.put({
        appId: addon.appId,
        addonId: addon.id,
        name,
        hour,
        timezone,
        retainDaily,
        retainWeekly,
        nextRunAt: nextScheduledRun({ hour, timezone }, ctx.deps.now()).toISOString(),
      });
      ctx.deps.data?.schedulesChanged();
      return { status: 201, body: serializeSchedule(schedule) };
    },
  },
  {
    method: 'DELETE',
    path: '/client/v11/databases/:database/transfer-schedules/:schedule',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      const schedule = (await ctx.deps.store.pgBackupSchedules.listForAddon(addon.id)).find((s) => s.id === ctx.params.schedule || s.name === ctx.params.schedule);
      if (!schedule) throw notFound('backup schedule', `${ctx.params.schedule as string} of ${addon.name}`);
      await ctx.deps.store.pgBackupSchedules.delete(schedule.id);
      ctx.deps.data?.schedulesChanged();
      return { status: 200, body: serializeSchedule(schedule) };
    },
  },
];
