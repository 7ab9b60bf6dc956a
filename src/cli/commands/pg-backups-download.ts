import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { openStream, StreamHttpError } from '../http-stream.js';
import { findBackup, formatBytes, transfersPath } from '../pg-data.js';

export const pgBackupsDownload: Command = {
  name: 'pg:backups:download',
  summary: 'download a backup file (pg_dump custom format: pg_restore --no-owner -d mydb latest.dump)',
  usage: 'pg:backups:download [BACKUP] [-o FILE] [-a APP]',
  args: [{ name: 'BACKUP', required: false, description: 'b001 … (default: the newest successful backup)' }],
  flags: { output: { type: 'string', short: 'o', value: 'FILE', description: 'where to write it (default latest.dump)' } },
  needsApp: true,
  examples: ['berth pg:backups:download', 'berth pg:backups:download b003 -o b003.dump'],
  async run(ctx) {
    const app = ctx.app();
    const { app: owner, backup } = await findBackup(ctx.api, app, ctx.args[0]);
    const { url } = await ctx.api.post<{ url: string }>(transfersPath(owner, `/${backup.num}/actions/public-url`), {});
    const file = resolve(ctx.io.cwd, ctx.string('output') ?? 'latest.dump');
    let res: IncomingMessage;
    try {
      res = await openStream(url, ctx.ca ? { ca: ctx.ca } : {});
    } catch (err) {
      if (err instanceof StreamHttpError) throw new CliError(`Downloading ${backup.name} failed: HTTP ${err.status}.`);
      throw err;
    }
    const partial = `${file}.partial`;
    try {
      await pipeline(res, createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, file);
    } catch (err) {
      await rm(partial, { force: true });
      throw new CliError(`Downloading ${backup.name} failed: ${(err as Error).message}`);
    }
    ctx.print(`Downloaded ${backup.name} (${formatBytes(backup.processed_bytes)}) to ${file}`);
  },
};
