import type { AddonJson } from './addon-types.js';
import { findApp } from './app-resolution.js';
import type { CommandContext } from './command.js';

const EXPAND = { 'Accept-Expansion': 'addon_service,plan' };

/**
 * Finds an add-on as users name it: its name or id, an attachment name on the app
 * (`DATABASE`, `DATABASE_URL`) or `app::ATTACHMENT`, through the API's resolver.
 */
export async function resolveAddon(ctx: CommandContext, identity: string, app: string | undefined): Promise<AddonJson> {
  const res = await ctx.api.request<AddonJson[]>('POST', '/actions/addons/resolve', { body: { addon: identity, app: app ?? null }, headers: EXPAND });
  return res.body[0] as AddonJson;
}

/** The app when one is named or resolvable (-a, BERTH_APP, the `berth` git remote); undefined otherwise. */
export async function optionalApp(ctx: CommandContext): Promise<string | undefined> {
  const flag = ctx.string('app');
  const env = ctx.io.env.BERTH_APP;
  return findApp({ ...(flag ? { flag } : {}), ...(env ? { env } : {}) }, ctx.git).catch(() => undefined);
}

/** The app's newest release version (what `… done, v7` prints after an attachment change). */
export async function latestVersion(ctx: CommandContext, app: string): Promise<number | string> {
  const [release] = await ctx.api.page<{ version: number }>(`/apps/${encodeURIComponent(app)}/releases`, 'version ..; max=1, order=desc');
  return release?.version ?? '?';
}
