import { parseAddonManifest } from '../../core/addon-manifest.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { RequestContext, Route } from '../context.js';
import { serializeAddonProvider } from '../serialize-addon-provider.js';

/**
 * Third-party add-on providers (a Berth extension; on Heroku partners register through the
 * Partner Portal): an admin registers a partner API manifest, and its service and plans join the
 * catalog at once. Admin only: everyone else gets 403.
 */
async function findProvider(ctx: RequestContext) {
  const id = ctx.params.id as string;
  const record = await ctx.deps.store.addonProviders.find(id);
  if (!record) throw notFound('add-on provider', id);
  return record;
}

export const addonProviderRoutes: Route[] = [
  {
    method: 'POST',
    path: '/addon-providers',
    access: { admin: 'manage add-on providers' },
    async handler(ctx) {
      const manifest = parseAddonManifest(await ctx.body());
      const record = await ctx.deps.store.addonProviders.create(manifest);
      try {
        ctx.deps.partners.registered(record);
      } catch (err) {
        // The catalog refused it (e.g. its id is another service's alias): take it back out.
        await ctx.deps.store.addonProviders.delete(record.id);
        throw err;
      }
      ctx.deps.log({ at: 'info', event: 'addon_provider_registered', provider: record.id, by: ctx.account.email });
      return { status: 201, body: serializeAddonProvider(record) };
    },
  },
  {
    method: 'GET',
    path: '/addon-providers',
    access: { admin: 'manage add-on providers' },
    async handler(ctx) {
      return { status: 200, body: (await ctx.deps.store.addonProviders.list()).map(serializeAddonProvider) };
    },
  },
  {
    method: 'GET',
    path: '/addon-providers/:id',
    access: { admin: 'manage add-on providers' },
    async handler(ctx) {
      return { status: 200, body: serializeAddonProvider(await findProvider(ctx)) };
    },
  },
  {
    method: 'PUT',
    path: '/addon-providers/:id',
    access: { admin: 'manage add-on providers' },
    async handler(ctx) {
      const before = await findProvider(ctx);
      const manifest = parseAddonManifest(await ctx.body());
      if (manifest.id !== before.id) throw new PlatformError('invalid_params', `The manifest's id ${manifest.id} is not ${before.id}; a provider's id never changes (register a new one instead).`);
      const inUse = [...new Set((await ctx.deps.store.addons.list({})).filter((a) => a.service === before.id).map((a) => a.plan))];
      const dropped = inUse.filter((plan) => !manifest.plans.some((p) => p.name === plan)).sort();
      if (dropped.length > 0) throw new PlatformError('invalid_params', `The manifest drops plan${dropped.length === 1 ? '' : 's'} ${dropped.join(', ')}, which add-ons still use; keep ${dropped.length === 1 ? 'it' : 'them'} until those add-ons change plan or are destroyed.`);
      const record = await ctx.deps.store.addonProviders.update(manifest);
      if (!record) throw notFound('add-on provider', before.id);
      try {
        ctx.deps.partners.registered(record);
      } catch (err) {
        await ctx.deps.store.addonProviders.update(before.manifest);
        throw err;
      }
      ctx.deps.log({ at: 'info', event: 'addon_provider_updated', provider: record.id, by: ctx.account.email });
      return { status: 200, body: serializeAddonProvider(record) };
    },
  },
  {
    method: 'DELETE',
    path: '/addon-providers/:id',
    access: { admin: 'manage add-on providers' },
    async handler(ctx) {
      const record = await findProvider(ctx);
      const live = (await ctx.deps.store.addons.list({})).filter((a) => a.service === record.id).length;
      if (live > 0) {
        throw new PlatformError('invalid_params', `The add-on provider ${record.id} still has ${live} add-on${live === 1 ? '' : 's'}; destroy ${live === 1 ? 'it' : 'them'} first (berth addons:destroy).`);
      }
      const removed = await ctx.deps.store.addonProviders.delete(record.id);
      if (!removed) throw notFound('add-on provider', record.id);
      ctx.deps.partners.removed(record.id);
      ctx.deps.log({ at: 'info', event: 'addon_provider_removed', provider: record.id, by: ctx.account.email });
      return { status: 200, body: serializeAddonProvider(removed) };
    },
  },
];
