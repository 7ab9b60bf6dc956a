import { jsonFlag, type Command } from '../command.js';
import type { PipelineJson } from '../pipeline-types.js';

export const pipelines: Command = {
  name: 'pipelines',
  summary: 'list your pipelines',
  usage: 'pipelines [--json]',
  flags: { json: jsonFlag },
  examples: ['berth pipelines', 'berth pipelines --json'],
  async run(ctx) {
    const list = await ctx.api.get<PipelineJson[]>('/pipelines');
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.note('You have no pipelines. Create one with `berth pipelines:create -a APP`.');
    ctx.print(ctx.colours.out.bold('=== My Pipelines'));
    for (const p of list) ctx.print(p.name);
  },
};
