import { checkPartnerConfig } from '../../core/partner-config.js';
import { notFound, PlatformError } from '../../core/errors.js';
import { parseAuthorization } from '../authenticate.js';
import type { RequestContext, Route } from '../context.js';
import type { Addon, AddonProviderRecord } from '../../store/port.js';
import { AddonLifecycle } from '../addon-lifecycle.js';
import { addonView, expansion } from '../addon-access.js';
import { serializeAddon } from '../serialize-addons.js';

/**
 * What an add-on provider calls back (Heroku's Platform API for partners):
 * `PATCH /addons/:id/config` `{"config":[{"name","value"}]}` and `POST /addons/:id/actions/provision`,
 * plus `GET /addons/:id/config`. Authenticated with the access token the provider got for this
 * add-on's grant (`Authorization: Bearer …`): no token or an unknown one is 401, another add-on's
 * token 403, and nothing changes. Only the manifest's config vars are accepted.
 */
async function partnerCaller(ctx: RequestContext): Promise<{ addon: Addon; provider: AddonProviderRecord }> {
  const credentials = parseAuthorization(ctx.req.headers.authorization);
  if (credentials?.kind !== 'bearer') throw new PlatformError('unauthorized', 'Authentication required: send "Authorization: Bearer <access token>" (exchange the provision request’s oauth_grant at POST /oauth/token).');
  const caller = await ctx.deps.partners.tokens.authenticate(credentials.token);
  if (!caller) throw new PlatformError('unauthorized', 'Invalid credentials provided: the access token is unknown, expired or revoked.');
  const id = ctx.params.id as string;
  if (caller.addonId !== id) throw new PlatformError('forbidden', 'This access token belongs to another add-on.');
  const provider = await ctx.deps.store.addonProviders.find(caller.providerId);
  const addon = await ctx.deps.store.addons.findById(id);
  if (!provider || !addon || addon.service !== provider.id) throw notFound('add-on', id);
  if (addon.state === 'deprovisioned') {
    // Destroyed add-ons keep no partner access: the first call after the destroy revokes it all.
    await ctx.deps.partners.tokens.revoke(addon.id);
    throw new PlatformError('unauthorized', `Invalid credentials provided: the add-on ${addon.name} was destroyed and its tokens are revoked.`);
  }
  return { addon, provider };
}

/** The add-on's config in the manifest's full names (`ACME_URL`), as Heroku answers partners. */
function fullNames(provider: AddonProviderRecord, config: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(config).map(([suffix, value]) => ({ name: `${provider.manifest.configVarsPrefix}_${suffix}`, value }));
}

function parseConfigBody(provider: AddonProviderRecord, body: Record<string, unknown>): Record<string, string> {
  const list = body.config;
  if (!Array.isArray(list)) throw new PlatformError('invalid_params', 'config must be an array of {"name", "value"} objects.');
  const pairs: Record<string, unknown> = {};
  for (const item of list) {
    if (typeof item !== 'object' || item === null || typeof (item as { name?: unknown }).name !== 'string') {
      throw new PlatformError('invalid_params', 'Each config entry must be an object with a string name and value.');
    }
    const { name, value } = item as { name: string; value: unknown };
    pairs[name] = value;
  }
  const checked = checkPartnerConfig(provider.manifest, pairs);
  if (!checked.ok) throw new PlatformError('invalid_params', `Config refused: ${checked.reason}.`);
  return checked.config;
}

function refuseEnded(addon: Addon): void {
  if (addon.state === 'failed') {
    throw new PlatformError('invalid_params', `The add-on ${addon.name} is ${addon.state}; it takes no more config.`);
  }
}

export const partnerCallbackRoutes: Route[] = [
  {
    method: 'GET',
    path: '/addons/:id/config',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const { addon, provider } = await partnerCaller(ctx);
      const pending = addon.state === 'provisioning' ? ((await ctx.deps.store.addonProviders.findPending(addon.id)) ?? {}) : {};
      return { status: 200, body: fullNames(provider, { ...addon.config, ...pending }) };
    },
  },
  {
    method: 'PATCH',
    path: '/addons/:id/config',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const { addon, provider } = await partnerCaller(ctx);
      const config = parseConfigBody(provider, await ctx.body());
      refuseEnded(addon);
      if (addon.state === 'provisioning') {
        const pending = await ctx.deps.store.addonProviders.mergePending(addon.id, provider.id, config);
        return { status: 200, body: fullNames(provider, pending) };
      }
      const next = { ...addon.config, ...config };
      await new AddonLifecycle(ctx.deps).updateConfig(addon.id, next, `Update config by ${addon.name}`);
      return { status: 200, body: fullNames(provider, next) };
    },
  },
  {
    method: 'POST',
    path: '/addons/:id/actions/provision',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const { addon, provider } = await partnerCaller(ctx);
      refuseEnded(addon);
      if (addon.state === 'provisioning') {
        if (addon.providerId === null) {
          throw new PlatformError('conflict', `Berth has not received your answer to the provision request of ${addon.name} yet; answer it (202 with your id), then call this again.`);
        }
        const config = (await ctx.deps.store.addonProviders.takePending(addon.id)) ?? {};
        await new AddonLifecycle(ctx.deps).provisioned(addon.id, config, addon.provisionMessage ?? undefined);
      }
      const now = (await ctx.deps.store.addons.findById(addon.id)) ?? addon;
      // The add-on, in the schema's add-on shape (the add-on-action link's target).
      return { status: 200, body: serializeAddon(await addonView(ctx, now), expansion(ctx)) };
    },
  },
];
