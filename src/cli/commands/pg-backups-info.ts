import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import { findBackup, formatBytes, transfersPath, transferStatus, type TransferJson } from '../pg-data.js';

export const pgBackupsInfo: Command = {
  name: 'pg:backups:info',
  summary: 'show one backup, restore or copy with its log',
  usage: 'pg:backups:info [ID] [-a APP] [--json]',
  args: [{ name: 'ID', required: false, description: 'b001, r002, c003 … (default: the newest backup)' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth pg:backups:info', 'berth pg:backups:info b003'],
  async run(ctx) {
    const app = ctx.app();
    const [id] = ctx.args;
    const num = id === undefined ? (await findBackup(ctx.api, app, undefined)).backup.num : id.replace(/^[abcr]/, '');
    const t = await ctx.api.get<TransferJson>(transfersPath(app, `/${encodeURIComponent(String(num))}?verbose=true`));
    if (ctx.bool('json')) return void ctx.printJson(t);
    ctx.print(ctx.colours.out.bold(`=== ${t.name}`));
    const pairs: Array<[string, string]> = [
      ['Database', t.to_type === 'pg_restore' ? t.to_name : t.from_name],
      ['Started at', t.started_at ?? ''],
      ['Finished at', t.finished_at ?? ''],
      ['Status', transferStatus(t)],
      ['Type', t.schedule ? 'Scheduled' : 'Manual'],
      ['Original DB Size', formatBytes(t.source_bytes)],
      ['Backup Size', formatBytes(t.processed_bytes)],
    ];
    if (t.error) pairs.push(['Error', t.error]);
    for (const line of formatKeyValues(pairs)) ctx.print(line);
    ctx.print();
    ctx.print(ctx.colours.out.bold('=== Backup Logs'));
    for (const log of t.logs ?? []) ctx.print(`${log.created_at} ${log.message}`);
  },
};
