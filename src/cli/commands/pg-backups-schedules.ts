import { jsonFlag, type Command } from '../command.js';
import { type DatabaseJson, type ScheduleJson } from '../pg-data.js';

export const pgBackupsSchedules: Command = {
  name: 'pg:backups:schedules',
  summary: "list the daily backup schedules of the app's databases",
  usage: 'pg:backups:schedules [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth pg:backups:schedules'],
  async run(ctx) {
    const app = ctx.app();
    const databases = await ctx.api.get<DatabaseJson[]>(`/client/v11/apps/${encodeURIComponent(app)}/databases`);
    const schedules = (await Promise.all(databases.map((db) => ctx.api.get<ScheduleJson[]>(`/client/v11/databases/${db.addon_id}/transfer-schedules`)))).flat();
    if (ctx.bool('json')) return void ctx.printJson(schedules);
    if (schedules.length === 0) return void ctx.print(`No backup schedules on ${app}. Add one with \`berth pg:backups:schedule --at '02:00 UTC'\`.`);
    ctx.print(ctx.colours.out.bold('=== Backup Schedules'));
    for (const s of schedules) ctx.print(`${s.name}: daily at ${String(s.hour).padStart(2, '0')}:00 ${s.timezone}, keeping ${s.retain_daily} daily and ${s.retain_weekly} weekly (next ${s.next_run_at})`);
  },
};
