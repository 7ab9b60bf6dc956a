import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { pipelinePath, type PipelineJson } from '../pipeline-types.js';

export const pipelinesDestroy: Command = {
  name: 'pipelines:destroy',
  summary: 'destroy a pipeline (its apps stay, out of any pipeline)',
  usage: 'pipelines:destroy PIPELINE --confirm PIPELINE',
  args: [{ name: 'PIPELINE', required: true, description: 'pipeline name or id' }],
  flags: { confirm: { type: 'string', value: 'PIPELINE', description: 'the pipeline name again, to confirm' } },
  examples: ['berth pipelines:destroy shop --confirm shop'],
  async run(ctx) {
    const name = ctx.args[0] as string;
    const pipeline = await ctx.api.get<PipelineJson>(pipelinePath(name));
    if (ctx.string('confirm') !== pipeline.name) throw new UsageError(`Destroying ${pipeline.name} needs confirming: add --confirm ${pipeline.name}.`);
    await ctx.api.delete(pipelinePath(pipeline.id));
    ctx.print(`Destroying ${pipeline.name} pipeline... done`);
  },
};
