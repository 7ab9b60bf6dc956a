import { notFound, PlatformError } from '../../core/errors.js';
import type { Account } from '../../core/model.js';
import type { AppTransfer } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { findAccessibleApp, isUuid } from '../app-access.js';
import { identityField } from '../addon-params.js';
import { changeOwner, transferLine } from '../app-ownership.js';
import { findAccount } from '../find-account.js';

/**
 * App transfers (`heroku apps:transfer EMAIL`): whoever may manage a personal app offers it to
 * another account; the recipient accepts (the app becomes theirs, the previous owner stays as a
 * collaborator) or declines; either side may cancel a pending one. Berth sends no mail: the
 * recipient finds it with `GET /account/app-transfers` (`berth apps:transfers`).
 */

async function transferJson(ctx: RequestContext, transfer: AppTransfer) {
  const account = async (id: string): Promise<Pick<Account, 'id' | 'email'>> => (await ctx.deps.store.accounts.findById(id)) ?? { id, email: 'deleted@berth.invalid' };
  const app = await ctx.deps.store.apps.findById(transfer.appId);
  const [owner, recipient] = [await account(transfer.ownerId), await account(transfer.recipientId)];
  return {
    app: { id: transfer.appId, name: app?.name ?? null },
    created_at: transfer.createdAt,
    id: transfer.id,
    owner: { email: owner.email, id: owner.id },
    recipient: { email: recipient.email, id: recipient.id },
    state: transfer.state,
    updated_at: transfer.updatedAt,
  };
}

/** A transfer the caller sends or receives, by id or (pending) by app name; 404 otherwise. */
async function findTransfer(ctx: RequestContext, identity: string): Promise<AppTransfer> {
  const { appTransfers, apps } = ctx.deps.store;
  let transfer: AppTransfer | undefined;
  if (isUuid(identity)) transfer = await appTransfers.findById(identity.toLowerCase());
  if (!transfer) {
    const app = await apps.findByName(identity);
    transfer = app && (await appTransfers.findPending(app.id));
  }
  if (!transfer || (transfer.ownerId !== ctx.account.id && transfer.recipientId !== ctx.account.id && !ctx.account.isAdmin)) throw notFound('app transfer', identity);
  return transfer;
}

export const appTransferRoutes: Route[] = [
  {
    method: 'POST',
    path: '/account/app-transfers',
    access: { app: 'manage', via: 'handler' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = await findAccessibleApp(ctx, identityField(body, 'app', 'my-app'));
      const recipient = await findAccount(ctx, identityField(body, 'recipient', 'teammate@example.com'));
      if (body.silent !== undefined && typeof body.silent !== 'boolean') throw new PlatformError('invalid_params', 'silent must be true or false.');
      if (app.teamId !== null) throw new PlatformError('invalid_params', `${app.name} belongs to a team: move it with PATCH /teams/apps/${app.name} {"owner"} (heroku apps:transfer).`);
      if (recipient.id === app.ownerId) throw new PlatformError('invalid_params', `${recipient.email} owns ${app.name} already: transfer it to someone else.`);
      const transfer = await ctx.deps.store.appTransfers.create({ appId: app.id, ownerId: app.ownerId, recipientId: recipient.id });
      ctx.deps.logs.emit(app.id, 'api', `Offer to transfer to ${recipient.email} by user ${ctx.account.email}`);
      return { status: 201, body: await transferJson(ctx, transfer) };
    },
  },
  {
    method: 'GET',
    path: '/account/app-transfers',
    access: 'account',
    async handler(ctx) {
      const transfers = await ctx.deps.store.appTransfers.listForAccount(ctx.account.id);
      return { status: 200, body: await Promise.all(transfers.map((t) => transferJson(ctx, t))) };
    },
  },
  {
    method: 'GET',
    path: '/account/app-transfers/:transfer',
    access: 'account',
    async handler(ctx) {
      return { status: 200, body: await transferJson(ctx, await findTransfer(ctx, ctx.params.transfer as string)) };
    },
  },
  {
    method: 'PATCH',
    path: '/account/app-transfers/:transfer',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      if (body.state !== 'accepted' && body.state !== 'declined') throw new PlatformError('invalid_params', 'state must be "accepted" or "declined".');
      const transfer = await findTransfer(ctx, ctx.params.transfer as string);
      if (transfer.recipientId !== ctx.account.id) throw new PlatformError('forbidden', 'Only the recipient can accept or decline an app transfer; the owner may cancel it (DELETE).');
      const state = body.state;
      const result = await ctx.deps.store.transaction(async (tx) => {
        const resolved = await tx.appTransfers.resolve(transfer.id, state);
        if (!resolved) throw new PlatformError('invalid_params', `This transfer is ${transfer.state} already; only a pending transfer can be ${state}.`);
        const app = await tx.apps.findById(transfer.appId);
        if (!app) throw notFound('app', transfer.appId);
        if (state === 'accepted') await changeOwner(tx, app, { ownerId: ctx.account.id, teamId: null });
        return { resolved, app };
      });
      if (state === 'accepted') ctx.deps.logs.emit(result.app.id, 'api', transferLine(ctx.account, ctx.account));
      return { status: 200, body: await transferJson(ctx, result.resolved) };
    },
  },
  {
    method: 'DELETE',
    path: '/account/app-transfers/:transfer',
    access: 'account',
    async handler(ctx) {
      const transfer = await findTransfer(ctx, ctx.params.transfer as string);
      const json = await transferJson(ctx, transfer);
      await ctx.deps.store.appTransfers.delete(transfer.id);
      return { status: 200, body: json };
    },
  },
];
