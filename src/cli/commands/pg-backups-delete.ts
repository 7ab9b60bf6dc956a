import type { Command } from '../command.js';
import { requireConfirm, transfersPath } from '../pg-data.js';

export const pgBackupsDelete: Command = {
  name: 'pg:backups:delete',
  summary: 'delete a backup and its file',
  usage: 'pg:backups:delete BACKUP --confirm APP [-a APP]',
  args: [{ name: 'BACKUP', required: true, description: 'b001 …' }],
  flags: { confirm: { type: 'string', value: 'APP', description: 'the app name again, to confirm' } },
  needsApp: true,
  examples: ['berth pg:backups:delete b001 --confirm my-app'],
  async run(ctx) {
    const app = ctx.app();
    const name = ctx.args[0] as string;
    requireConfirm(app, ctx.string('confirm'), `This deletes backup ${name} for good`, `berth pg:backups:delete ${name} -a ${app}`);
    await ctx.api.delete(transfersPath(app, `/${encodeURIComponent(name.replace(/^[abcr]/, ''))}`));
    ctx.print(`Deleting backup ${name} on ${app}... done`);
  },
};
