import { appPath } from '../api-client.js';
import type { AppFeatureJson } from '../api-types.js';
import { jsonFlag, type Command, type CommandContext } from '../command.js';

export const features: Command = {
  name: 'features',
  summary: "list an app's features (force-https, hsts, and the experimental ones) and whether each is on",
  usage: 'features [-a APP] [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth features', 'berth features --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const features = await ctx.api.get<AppFeatureJson[]>(appPath(app, '/features'));
    printFeatures(ctx, app, features);
  },
};

/** `features` and `labs`: the list as JSON, or as the official CLI prints it ([+] on, [ ] off). */
export function printFeatures(ctx: CommandContext, app: string, features: readonly AppFeatureJson[]): void {
  if (ctx.bool('json')) return void ctx.printJson(features);
  ctx.print(ctx.colours.out.bold(`=== App Features ${app}`));
  const sorted = [...features].sort((a, b) => a.name.localeCompare(b.name));
  const width = Math.max(0, ...sorted.map((f) => f.name.length));
  for (const feature of sorted) {
    const flag = `${feature.enabled ? '[+]' : '[ ]'} ${feature.name.padEnd(width)}`;
    ctx.print(`${feature.enabled ? ctx.colours.out.green(flag) : flag}  ${feature.description}`);
  }
}
