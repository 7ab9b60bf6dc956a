import { findAppFeature } from '../../core/app-features.js';
import { appPath } from '../api-client.js';
import type { AppFeatureJson } from '../api-types.js';
import type { Command } from '../command.js';

export const labsEnable: Command = {
  name: 'labs:enable',
  summary: 'turn an experimental feature on, e.g. log-runtime-metrics',
  usage: 'labs:enable FEATURE [-a APP]',
  args: [{ name: 'FEATURE', required: true, description: 'the feature, e.g. log-runtime-metrics (see `berth labs`)' }],
  flags: {},
  needsApp: true,
  examples: ['berth labs:enable log-runtime-metrics', 'berth labs:enable log-runtime-metrics -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const name = ctx.args[0] as string;
    const path = appPath(app, `/features/${encodeURIComponent(name)}`);
    const current = await ctx.api.get<AppFeatureJson>(path);
    if (current.enabled === true) return void ctx.print(`${current.name} is already enabled for ${app}.`);
    const feature = await ctx.api.patch<AppFeatureJson>(path, { enabled: true });
    ctx.print(`Enabling ${feature.name} for ${app}... done`);
    if (findAppFeature(feature.name)?.restartsDynos) ctx.note(`Restarting ${app}'s dynos so they pick it up.`);
  },
};
