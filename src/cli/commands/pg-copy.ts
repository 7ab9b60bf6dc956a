import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { requireConfirm, resolveDatabase, waitForTransfer, type TransferJson } from '../pg-data.js';

export const pgCopy: Command = {
  name: 'pg:copy',
  summary: 'copy all data from one database into another (the target is emptied first)',
  usage: 'pg:copy SOURCE TARGET --confirm APP [-a APP]',
  args: [
    { name: 'SOURCE', required: true, description: 'attachment on the app, or OTHER-APP::DATABASE' },
    { name: 'TARGET', required: true, description: 'attachment on the app (its data is replaced)' },
  ],
  flags: { confirm: { type: 'string', value: 'APP', description: 'the app name again, to confirm' } },
  needsApp: true,
  examples: ['berth pg:copy DATABASE HEROKU_POSTGRESQL_RED --confirm my-app', 'berth pg:copy production::DATABASE DATABASE -a staging --confirm staging'],
  async run(ctx) {
    const app = ctx.app();
    const [sourceName, targetName] = ctx.args as [string, string];
    const [source, target] = await Promise.all([resolveDatabase(ctx.api, app, sourceName), resolveDatabase(ctx.api, app, targetName)]);
    if (source.addon_id === target.addon_id) throw new CliError('Cannot copy a database onto itself.');
    requireConfirm(app, ctx.string('confirm'), `This removes all data from ${target.name} and copies ${source.name} into it`, `berth pg:copy ${sourceName} ${targetName} -a ${app}`);
    const started = await ctx.api.post<TransferJson>(`/client/v11/databases/${target.addon_id}/transfers`, { from_addon: source.addon_id, from_name: sourceName, to_name: targetName });
    ctx.note(`Copying ${source.name} to ${target.name}...`);
    const done = await waitForTransfer(ctx.api, app, started);
    ctx.print(`Copying ${source.name} to ${target.name}... done (${done.name})`);
  },
};
