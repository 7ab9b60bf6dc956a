import { randomUUID } from 'node:crypto';
import { parseDatabaseUrl } from '../../core/database-url.js';
import { invalidParams, notFound, PlatformError } from '../../core/errors.js';
import type { PgTransfer } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import type { DataAddon } from '../data-port.js';
import { findAccessibleApp, routeApp } from '../app-access.js';
import { addonUrl, attachmentNames, displayName, findDataAddon, POSTGRES_SERVICE, resolveOnApp } from '../data-access.js';
import { databaseInfo } from '../pg-database-info.js';
import { optionalString } from '../params.js';
import { parseBackupUrl, serializeTransfer } from '../serialize-transfers.js';

/**
 * Heroku's data API for one Postgres database (`/client/v11/databases/:id`, the official CLI's
 * `HEROKU_DATA_HOST`), served on Berth's API port: info, capture a backup, restore one, copy
 * into it, reset. Plus a Berth extension that `berth pg:*` uses to name databases on an app
 * (`/client/v11/apps/:app/databases[/:database]`), where the official CLI resolves attachments
 * through the Platform API first.
 */

const database = (ctx: RequestContext) => findDataAddon(ctx, ctx.params.database as string, POSTGRES_SERVICE);

function started(ctx: RequestContext, transfer: PgTransfer, endpoints: { fromUrl?: string; toUrl?: string }) {
  ctx.deps.data!.startTransfer(transfer, endpoints);
  return { status: 201, body: serializeTransfer(ctx.deps, transfer) };
}

/** The backup a restore names by its `to_url` (or Berth's `backup` id); not_found when missing or not finished well. */
async function backupToRestore(ctx: RequestContext, body: Record<string, unknown>): Promise<PgTransfer> {
  const id = optionalString(body, 'backup', 64);
  const url = optionalString(body, 'backup_url', 2048);
  let backup: PgTransfer | undefined;
  let label: string;
  if (id) {
    backup = await ctx.deps.store.pgTransfers.findById(id);
    label = id;
  } else if (url) {
    const ref = parseBackupUrl(url);
    if (!ref) throw invalidParams(`backup_url ${JSON.stringify(url)} is not a backup of this Berth: restore from a backup's to_url (see pg:backups), or download the file and upload it to an app's backup list first.`);
    backup = await ctx.deps.store.pgTransfers.findByNum(ref.appId, ref.num);
    label = `#${ref.num}`;
  } else {
    throw invalidParams('Name the backup to restore: {"backup_url": "<to_url of a backup>"}.');
  }
  if (backup) await findAccessibleApp(ctx, backup.appId).catch(() => (backup = undefined));
  if (!backup || backup.kind !== 'backup') throw notFound('backup', label);
  if (backup.succeeded !== true || !backup.blobKey) throw invalidParams(`Backup ${label} did not complete successfully, so it cannot be restored.`);
  return backup;
}

/**
 * The source of a copy: a Berth add-on (`from_addon` id or name, or a `from_url` that is the URL
 * of one the account may use) or an outside database URL, which the transfer connects to only
 * through the egress guard (no loopback, private or link-local address unless the admin allows it).
 */
async function copySource(ctx: RequestContext, body: Record<string, unknown>): Promise<{ addon?: DataAddon; url: string; name: string }> {
  const addonIdentity = optionalString(body, 'from_addon', 200);
  if (addonIdentity) {
    const addon = await findDataAddon(ctx, addonIdentity, POSTGRES_SERVICE);
    return { addon, url: addonUrl(addon), name: optionalString(body, 'from_name', 200) ?? displayName(addon) };
  }
  const url = optionalString(body, 'from_url', 2048);
  if (!url || !/^postgres(ql)?:\/\//.test(url)) throw invalidParams('Name the source: {"from_addon": "<add-on id or name>"} or {"from_url": "postgres://…"}.');
  const known = await ctx.deps.data!.findAddonByUrl(url);
  if (known && known.service === POSTGRES_SERVICE && (await findDataAddon(ctx, known.id, POSTGRES_SERVICE).catch(() => undefined))) {
    return { addon: known, url, name: optionalString(body, 'from_name', 200) ?? displayName(known) };
  }
  try {
    parseDatabaseUrl(url);
  } catch (err) {
    throw invalidParams(`from_url: ${(err as Error).message}`);
  }
  return { url, name: optionalString(body, 'from_name', 200) ?? 'external database' };
}

export const pgDatabaseRoutes: Route[] = [
  {
    method: 'GET',
    path: '/client/v11/databases/:database',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      return { status: 200, body: await databaseInfo(ctx, await database(ctx)) };
    },
  },
  {
    method: 'GET',
    path: '/client/v11/databases/:database/wait_status',
    access: { app: 'view', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      const ready = addon.state === 'provisioned';
      return { status: 200, body: { 'waiting?': !ready, message: ready ? 'available' : addon.state, error: addon.state === 'failed' } };
    },
  },
  {
    method: 'GET',
    path: '/client/v11/apps/:app/databases',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const addons = (await ctx.deps.data?.listForApp(app.id)) ?? [];
      const databases = addons.filter((a) => a.service === POSTGRES_SERVICE && a.state === 'provisioned');
      const body = await Promise.all(databases.map(async (a) => ({ ...(await databaseInfo(ctx, a)), attachment_names: attachmentNames(a, app.id) })));
      return { status: 200, body };
    },
  },
  {
    method: 'GET',
    path: '/client/v11/apps/:app/databases/:database',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const addon = await resolveOnApp(ctx, app, ctx.params.database === '-' ? undefined : (ctx.params.database as string), POSTGRES_SERVICE);
      return { status: 200, body: { ...(await databaseInfo(ctx, addon)), attachment_names: attachmentNames(addon, app.id) } };
    },
  },
  {
    method: 'POST',
    path: '/client/v11/databases/:database/backups',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      const url = addonUrl(addon);
      const id = randomUUID();
      const transfer = await ctx.deps.store.pgTransfers.create({
        appId: addon.appId,
        kind: 'backup',
        fromAddonId: addon.id,
        fromName: displayName(addon),
        fromType: 'pg_dump',
        toAddonId: null,
        toName: 'BACKUP',
        toType: 'gof3r',
        blobKey: `pg-backups/${addon.appId}/${id}.dump`,
      });
      return started(ctx, transfer, { fromUrl: url });
    },
  },
  {
    method: 'POST',
    path: '/client/v11/databases/:database/restores',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const addon = await database(ctx);
      const url = addonUrl(addon);
      const backup = await backupToRestore(ctx, body);
      const transfer = await ctx.deps.store.pgTransfers.create({
        appId: addon.appId,
        kind: 'restore',
        fromAddonId: backup.fromAddonId,
        fromName: `BACKUP ${backup.num}`,
        fromType: 'gof3r',
        toAddonId: addon.id,
        toName: displayName(addon),
        toType: 'pg_restore',
        backupId: backup.id,
      });
      return started(ctx, transfer, { toUrl: url });
    },
  },
  {
    method: 'POST',
    path: '/client/v11/databases/:database/transfers',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const target = await database(ctx);
      const toUrl = addonUrl(target);
      const given = optionalString(body, 'to_url', 2048);
      if (given && given !== toUrl) throw invalidParams(`to_url must be the URL of ${target.name}, the database in the path (copies go into a Berth database).`);
      const source = await copySource(ctx, body);
      if (source.url === toUrl || source.addon?.id === target.id) throw invalidParams('Cannot copy a database onto itself.');
      const transfer = await ctx.deps.store.pgTransfers.create({
        appId: target.appId,
        kind: 'copy',
        fromAddonId: source.addon?.id ?? null,
        fromName: source.name,
        fromType: 'pg_dump',
        toAddonId: target.id,
        toName: optionalString(body, 'to_name', 200) ?? displayName(target),
        toType: 'pg_restore',
      });
      return started(ctx, transfer, { fromUrl: source.url, toUrl, ...(source.addon ? {} : { fromOutside: true }) });
    },
  },
  {
    method: 'PUT',
    path: '/client/v11/databases/:database/reset',
    access: { app: 'deploy', via: 'handler' },
    async handler(ctx) {
      const addon = await database(ctx);
      addonUrl(addon);
      try {
        await ctx.deps.data!.resetDatabase(addon);
      } catch (err) {
        if (err instanceof PlatformError) throw err;
        throw new PlatformError('service_unavailable', `Could not reset ${addon.name}: ${(err as Error).message}`);
      }
      return { status: 200, body: { message: `${addon.name} was reset: its database is empty.` } };
    },
  },
];
