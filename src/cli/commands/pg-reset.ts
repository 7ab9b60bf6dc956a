import type { Command } from '../command.js';
import { requireConfirm, resolveDatabase } from '../pg-data.js';

export const pgReset: Command = {
  name: 'pg:reset',
  summary: 'delete everything in a database (its URL stays the same)',
  usage: 'pg:reset [DATABASE] --confirm APP [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' }],
  flags: { confirm: { type: 'string', value: 'APP', description: 'the app name again, to confirm' } },
  needsApp: true,
  examples: ['berth pg:reset --confirm my-app', 'berth pg:reset HEROKU_POSTGRESQL_RED --confirm my-app'],
  async run(ctx) {
    const app = ctx.app();
    const db = await resolveDatabase(ctx.api, app, ctx.args[0]);
    requireConfirm(app, ctx.string('confirm'), `This deletes all data in ${db.name}`, `berth pg:reset ${ctx.args[0] ?? ''}`.trimEnd() + ` -a ${app}`);
    await ctx.api.put(`/client/v11/databases/${db.addon_id}/reset`, {});
    ctx.print(`Resetting ${db.name}... done`);
  },
};
