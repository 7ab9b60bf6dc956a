// Turning an app feature on or off: shared by labs:enable/disable and features:enable/disable.
import { findAppFeature } from '../core/app-features.js';
import { appPath } from './api-client.js';
import type { AppFeatureJson } from './api-types.js';
import type { CommandContext } from './command.js';

/** PATCH /apps/:app/features/:feature {enabled}, saying when it already was, and when dynos roll. */
export async function toggleFeature(ctx: CommandContext, enabled: boolean): Promise<void> {
  const app = ctx.app();
  const name = ctx.args[0] as string;
  const path = appPath(app, `/features/${encodeURIComponent(name)}`);
  const current = await ctx.api.get<AppFeatureJson>(path);
  const word = enabled ? 'enabled' : 'disabled';
  if (current.enabled === enabled) return void ctx.print(`${current.name} is already ${word} for ${app}.`);
  const feature = await ctx.api.patch<AppFeatureJson>(path, { enabled });
  ctx.print(`${enabled ? 'Enabling' : 'Disabling'} ${feature.name} for ${app}... done`);
  if (findAppFeature(feature.name)?.restartsDynos) ctx.note(`Restarting ${app}'s dynos so they pick it up.`);
}
