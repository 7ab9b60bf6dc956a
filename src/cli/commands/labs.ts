import { appPath } from '../api-client.js';
import type { AppFeatureJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';

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
    if (ctx.bool('json')) return void ctx.printJson(features);
    ctx.print(ctx.colours.out.bold(`=== App Features ${app}`));
    const sorted = [...features].sort((a, b) => a.name.localeCompare(b.name));
    const width = Math.max(0, ...sorted.map((f) => f.name.length));
    for (const feature of sorted) {
      const flag = `${feature.enabled ? '[+]' : '[ ]'} ${feature.name.padEnd(width)}`;
      ctx.print(`${feature.enabled ? ctx.colours.out.green(flag) : flag}  ${feature.description}`);
    }
  },
};
