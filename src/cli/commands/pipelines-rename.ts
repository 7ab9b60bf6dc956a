import type { Command } from '../command.js';
import { pipelinePath, type PipelineJson } from '../pipeline-types.js';

export const pipelinesRename: Command = {
  name: 'pipelines:rename',
  summary: 'rename a pipeline',
  usage: 'pipelines:rename PIPELINE NAME',
  args: [
    { name: 'PIPELINE', required: true, description: 'current name or id' },
    { name: 'NAME', required: true, description: 'new name' },
  ],
  flags: {},
  examples: ['berth pipelines:rename shop storefront'],
  async run(ctx) {
    const [current, name] = ctx.args as [string, string];
    const renamed = await ctx.api.patch<PipelineJson>(pipelinePath(current), { name });
    ctx.print(`Renaming ${current} pipeline to ${renamed.name}... done`);
  },
};
