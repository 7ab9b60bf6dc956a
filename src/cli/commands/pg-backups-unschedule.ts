import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { resolveDatabase, type ScheduleJson } from '../pg-data.js';

export const pgBackupsUnschedule: Command = {
  name: 'pg:backups:unschedule',
  summary: "stop a database's daily backups (the backups already taken stay)",
  usage: 'pg:backups:unschedule [DATABASE] [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' }],
  flags: {},
  needsApp: true,
  examples: ['berth pg:backups:unschedule'],
  async run(ctx) {
    const app = ctx.app();
    const db = await resolveDatabase(ctx.api, app, ctx.args[0]);
    const [schedule] = await ctx.api.get<ScheduleJson[]>(`/client/v11/databases/${db.addon_id}/transfer-schedules`);
    if (!schedule) throw new CliError(`${db.name} has no daily backups scheduled.`);
    await ctx.api.delete(`/client/v11/databases/${db.addon_id}/transfer-schedules/${schedule.uuid}`);
    ctx.print(`Stopped daily backups of ${db.name}.`);
  },
};
