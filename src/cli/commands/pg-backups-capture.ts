import type { Command } from '../command.js';
import { formatBytes, resolveDatabase, waitForTransfer, type TransferJson } from '../pg-data.js';

export const pgBackupsCapture: Command = {
  name: 'pg:backups:capture',
  summary: 'capture a backup of a database now (pg_dump -Fc into the blob store)',
  usage: 'pg:backups:capture [DATABASE] [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' }],
  flags: {},
  needsApp: true,
  examples: ['berth pg:backups:capture', 'berth pg:backups:capture HEROKU_POSTGRESQL_RED'],
  async run(ctx) {
    const app = ctx.app();
    const db = await resolveDatabase(ctx.api, app, ctx.args[0]);
    const started = await ctx.api.post<TransferJson>(`/client/v11/databases/${db.addon_id}/backups`, {});
    ctx.note(`Backing up ${started.from_name} to ${started.name}...`);
    const done = await waitForTransfer(ctx.api, app, started);
    ctx.print(`Backing up ${done.from_name} to ${done.name}... done (${formatBytes(done.processed_bytes)})`);
  },
};
