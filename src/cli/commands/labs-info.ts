import { appPath } from '../api-client.js';
import type { AppFeatureJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';

export const labsInfo: Command = {
  name: 'labs:info',
  summary: 'show what an experimental feature does and whether it is on',
  usage: 'labs:info FEATURE [-a APP] [--json]',
  args: [{ name: 'FEATURE', required: true, description: 'the feature, e.g. log-runtime-metrics (see `berth labs`)' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth labs:info log-runtime-metrics', 'berth labs:info log-runtime-metrics --json -a my-app'],
  async run(ctx) {
    const feature = await ctx.api.get<AppFeatureJson>(appPath(ctx.app(), `/features/${encodeURIComponent(ctx.args[0] as string)}`));
    if (ctx.bool('json')) return void ctx.printJson(feature);
    ctx.print(ctx.colours.out.bold(`=== ${feature.name}`));
    const enabled = feature.enabled ? ctx.colours.out.green('true') : ctx.colours.out.red('false');
    for (const line of formatKeyValues([['Description', feature.description], ['Enabled', enabled], ['Docs', feature.doc_url]])) ctx.print(line);
  },
};
