import type { Command } from '../command.js';
import { findBackup, requireConfirm, resolveDatabase, waitForTransfer, type TransferJson } from '../pg-data.js';

export const pgBackupsRestore: Command = {
  name: 'pg:backups:restore',
  summary: 'restore a backup into a database (pg_restore --clean --if-exists --no-owner)',
  description: 'Replaces the objects the backup holds; BACKUP defaults to the newest successful backup, and may be APP::b001.',
  usage: 'pg:backups:restore [BACKUP] [DATABASE] --confirm APP [-a APP]',
  args: [
    { name: 'BACKUP', required: false, description: 'b001, a002 or APP::b001 (default: the newest)' },
    { name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' },
  ],
  flags: { confirm: { type: 'string', value: 'APP', description: 'the app name again, to confirm' } },
  needsApp: true,
  examples: ['berth pg:backups:restore --confirm my-app', 'berth pg:backups:restore b003 HEROKU_POSTGRESQL_RED --confirm my-app', 'berth pg:backups:restore staging::b001 DATABASE --confirm my-app'],
  async run(ctx) {
    const app = ctx.app();
    const [backupName, database] = ctx.args;
    const db = await resolveDatabase(ctx.api, app, database);
    const { backup } = await findBackup(ctx.api, app, backupName);
    requireConfirm(app, ctx.string('confirm'), `This overwrites the data in ${db.name} with backup ${backup.name}`, `berth pg:backups:restore ${backup.name} ${database ?? 'DATABASE'} -a ${app}`);
    const started = await ctx.api.post<TransferJson>(`/client/v11/databases/${db.addon_id}/restores`, { backup_url: backup.to_url });
    ctx.note(`Restoring ${backup.name} to ${db.name}...`);
    const done = await waitForTransfer(ctx.api, app, started);
    ctx.print(`Restoring ${backup.name} to ${db.name}... done${done.warnings ? ` (${done.warnings} warnings, see \`berth pg:backups:info ${done.name}\`)` : ''}`);
  },
};
