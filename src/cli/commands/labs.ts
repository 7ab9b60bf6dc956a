import { appPath } from '../api-client.js';
import type { AppFeatureJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { printFeatures } from './features.js';

export const labs: Command = {
  name: 'labs',
  summary: "list an app's experimental features and whether each is on",
  usage: 'labs [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth labs', 'berth labs --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    // Like the official CLI: labs are the experimental features; `berth features` lists every one.
    const features = (await ctx.api.get<AppFeatureJson[]>(appPath(app, '/features'))).filter((f) => f.state !== 'general');
    printFeatures(ctx, app, features);
  },
};
