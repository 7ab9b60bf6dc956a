import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import { formatBytes, isBackup, transfersPath, transferStatus, type TransferJson } from '../pg-data.js';

export const pgBackups: Command = {
  name: 'pg:backups',
  summary: "list the app's backups, restores and copies",
  usage: 'pg:backups [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth pg:backups'],
  async run(ctx) {
    const app = ctx.app();
    const transfers = (await ctx.api.get<TransferJson[]>(transfersPath(app))).sort((a, b) => b.num - a.num);
    if (ctx.bool('json')) return void ctx.printJson(transfers);
    const section = (title: string, rows: TransferJson[], header: string[], row: (t: TransferJson) => string[], empty: string) => {
      ctx.print(ctx.colours.out.bold(`=== ${title}`));
      ctx.print(rows.length === 0 ? empty : formatTable([header, ...rows.map(row)]).join('\n'));
      ctx.print();
    };
    section('Backups', transfers.filter(isBackup), ['ID', 'Created at', 'Status', 'Size', 'Database'], (t) => [t.name, t.created_at, transferStatus(t), formatBytes(t.processed_bytes), t.from_name], 'No backups. Capture one with `berth pg:backups:capture`.');
    section('Restores', transfers.filter((t) => t.from_type !== 'pg_dump' && t.to_type === 'pg_restore').slice(0, 10), ['ID', 'Started at', 'Status', 'Size', 'Database'], (t) => [t.name, t.created_at, transferStatus(t), formatBytes(t.processed_bytes), t.to_name], 'No restores found. Use `berth pg:backups:restore` to restore a backup.');
    section('Copies', transfers.filter((t) => t.from_type === 'pg_dump' && t.to_type === 'pg_restore').slice(0, 10), ['ID', 'Started at', 'Status', 'Size', 'From', 'To'], (t) => [t.name, t.created_at, transferStatus(t), formatBytes(t.processed_bytes), t.from_name, t.to_name], 'No copies found. Use `berth pg:copy` to copy a database to another.');
  },
};
