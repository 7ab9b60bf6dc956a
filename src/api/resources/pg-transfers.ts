import { invalidParams, notFound } from '../../core/errors.js';
import { parseTransferName } from '../../core/pg-transfers.js';
import type { App } from '../../core/model.js';
import type { PgTransfer } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { isUuid, routeApp } from '../app-access.js';
import { requireSignedUrl, signedUrl, BLOB_URL_TTL_SECONDS } from '../capability-url.js';
import { backupPath, serializeTransfer, transferLabel } from '../serialize-transfers.js';

/**
 * An app's transfers (Heroku PGBackups: `/client/v11/apps/:app/transfers`): list, one by
 * number or uuid (`?verbose=true` adds the pg_dump/pg_restore log), delete a backup and its
 * file, cancel a running one, a signed download URL (`pg:backups:url`) and the download itself.
 */

async function findTransfer(ctx: RequestContext, app: App, identity: string): Promise<PgTransfer> {
  const byId = isUuid(identity) ? await ctx.deps.store.pgTransfers.findById(identity.toLowerCase()) : undefined;
  const num = parseTransferName(identity);
  const transfer = byId?.appId === app.id ? byId : num !== undefined ? await ctx.deps.store.pgTransfers.findByNum(app.id, num) : undefined;
  if (!transfer) throw notFound('backup', `${identity} on ${app.name}`);
  return transfer;
}

async function findBackup(ctx: RequestContext): Promise<{ app: App; backup: PgTransfer }> {
  const app = routeApp(ctx);
  const backup = await findTransfer(ctx, app, ctx.params.transfer as string);
  if (backup.kind !== 'backup') throw invalidParams(`${transferLabel(backup)} is a ${backup.kind}, not a backup: it has no file.`);
  if (backup.succeeded !== true || !backup.blobKey) throw invalidParams(`Backup ${transferLabel(backup)} did not complete successfully, so it has no file to download.`);
  return { app, backup };
}

export const pgTransferRoutes: Route[] = [
  {
    method: 'GET',
    path: '/client/v11/apps/:app/transfers',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const transfers = await ctx.deps.store.pgTransfers.list(app.id);
      return { status: 200, body: transfers.map((t) => serializeTransfer(ctx.deps, t)) };
    },
  },
  {
    method: 'GET',
    path: '/client/v11/apps/:app/transfers/:transfer',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const transfer = await findTransfer(ctx, app, ctx.params.transfer as string);
      return { status: 200, body: serializeTransfer(ctx.deps, transfer, { verbose: ctx.url.searchParams.get('verbose') === 'true' }) };
    },
  },
  {
    method: 'DELETE',
    path: '/client/v11/apps/:app/transfers/:transfer',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const transfer = await findTransfer(ctx, app, ctx.params.transfer as string);
      if (transfer.finishedAt === null) throw invalidParams(`${transferLabel(transfer)} is still running: cancel it first (pg:backups:cancel).`);
      await ctx.deps.store.pgTransfers.markDeleted(transfer.id);
      if (transfer.blobKey) await ctx.deps.blobs.delete(transfer.blobKey);
      return { status: 200, body: serializeTransfer(ctx.deps, transfer) };
    },
  },
  {
    method: 'POST',
    path: '/client/v11/apps/:app/transfers/:transfer/actions/cancel',
    access: { app: 'deploy' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const transfer = await findTransfer(ctx, app, ctx.params.transfer as string);
      if (transfer.finishedAt !== null) throw invalidParams(`${transferLabel(transfer)} already finished.`);
      await ctx.deps.store.pgTransfers.markCanceled(transfer.id);
      ctx.deps.data?.cancelTransfer(transfer.id);
      return { status: 200, body: serializeTransfer(ctx.deps, (await ctx.deps.store.pgTransfers.findById(transfer.id)) ?? transfer) };
    },
  },
  {
    method: 'POST',
    path: '/client/v11/apps/:app/transfers/:transfer/actions/public-url',
    access: { app: 'deploy' },
    async handler(ctx) {
      const { backup } = await findBackup(ctx);
      // HTTPS when the API has it: the official CLI downloads with https.get only.
      const url = signedUrl(ctx.deps, 'GET', backupPath(backup), BLOB_URL_TTL_SECONDS, { tls: true });
      return { status: 200, body: { url, expires_at: new Date(ctx.deps.now().getTime() + BLOB_URL_TTL_SECONDS * 1000).toISOString() } };
    },
  },
  {
    method: 'GET',
    path: '/client/v11/apps/:app/transfers/:transfer/download',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      requireSignedUrl(ctx, 'GET');
      const transfer = isUuid(ctx.params.app as string) ? await ctx.deps.store.pgTransfers.findByNum((ctx.params.app as string).toLowerCase(), Number(ctx.params.transfer)) : undefined;
      if (!transfer || transfer.kind !== 'backup' || transfer.succeeded !== true || !transfer.blobKey) throw notFound('backup', ctx.url.pathname);
      const info = await ctx.deps.blobs.stat(transfer.blobKey);
      if (!info) throw notFound('backup file', transferLabel(transfer));
      return {
        status: 200,
        headers: {
          'Content-Type': 'application/octet-stream',
          'Content-Length': String(info.size),
          'Content-Disposition': `attachment; filename="${transferLabel(transfer)}.dump"`,
        },
        stream: await ctx.deps.blobs.get(transfer.blobKey),
      };
    },
  },
];
