/**
 * `/account/keys`: the calling account's SSH public keys, which git over SSH authenticates with
 * (Heroku's `key` resource: id, fingerprint, public_key, comment, email). A key is checked by
 * parseSshPublicKey (type, wire format, RSA ≥ 2048 bits) and opens exactly one account: a key
 * already on this account or on another one is refused with conflict, saying which.
 */
import { notFound, PlatformError } from '../../core/errors.js';
import type { Account } from '../../core/model.js';
import { parseSshPublicKey } from '../../accounts/ssh-public-key.js';
import type { SshKey } from '../../store/port.js';
import type { RequestContext, Route } from '../context.js';
import { pageItems } from '../page-items.js';
import { pageReply, pageRequest } from '../page-reply.js';

export function serializeKey(key: SshKey, account: Account) {
  return {
    comment: key.comment,
    created_at: key.createdAt,
    email: key.comment || account.email,
    fingerprint: key.fingerprint,
    id: key.id,
    public_key: key.publicKey,
    updated_at: key.updatedAt,
  };
}

async function ownKey(ctx: RequestContext): Promise<SshKey> {
  const identity = ctx.params.key as string;
  const key = await ctx.deps.store.sshKeys.findForAccount(ctx.account.id, identity);
  if (!key) throw notFound('SSH key', identity);
  return key;
}

export const accountKeyRoutes: Route[] = [
  {
    method: 'GET',
    path: '/account/keys',
    access: 'account',
    async handler(ctx) {
      const page = pageRequest(ctx, ['id', 'fingerprint']);
      const keys = await ctx.deps.store.sshKeys.listForAccount(ctx.account.id);
      const result = pageItems(keys, page, (k) => (page.field === 'fingerprint' ? k.fingerprint : k.id));
      return pageReply(page, result, result.items.map((k) => serializeKey(k, ctx.account)));
    },
  },
  {
    method: 'GET',
    path: '/account/keys/:key',
    access: 'account',
    handler: async (ctx) => ({ status: 200, body: serializeKey(await ownKey(ctx), ctx.account) }),
  },
  {
    method: 'POST',
    path: '/account/keys',
    access: 'account',
    async handler(ctx) {
      const body = await ctx.body();
      const parsed = parseSshPublicKey(body.public_key);
      const existing = await ctx.deps.store.sshKeys.findBySha256(parsed.sha256);
      if (existing?.accountId === ctx.account.id) {
        throw new PlatformError('conflict', `This SSH key (${parsed.sha256}) is already on your account.`);
      }
      if (existing) {
        throw new PlatformError('conflict', `This SSH key (${parsed.sha256}) belongs to another Berth account; a key can open only one account. Make a new key for this one (ssh-keygen -t ed25519).`);
      }
      const key = await ctx.deps.store.sshKeys.create({
        accountId: ctx.account.id,
        sha256: parsed.sha256,
        fingerprint: parsed.md5,
        publicKey: parsed.comment ? `${parsed.line} ${parsed.comment}` : parsed.line,
        comment: parsed.comment,
      });
      return { status: 201, body: serializeKey(key, ctx.account) };
    },
  },
  {
    method: 'DELETE',
    path: '/account/keys/:key',
    access: 'account',
    async handler(ctx) {
      const key = await ownKey(ctx);
      await ctx.deps.store.sshKeys.delete(key.id);
      return { status: 200, body: serializeKey(key, ctx.account) };
    },
  },
];
