import { inferStage } from '../../core/pipeline-stage.js';
import { jsonFlag, type Command } from '../command.js';
import { pipelinePath, type CouplingJson, type PipelineJson } from '../pipeline-types.js';

export const pipelinesAdd: Command = {
  name: 'pipelines:add',
  summary: 'add the app to a pipeline at a stage',
  usage: 'pipelines:add PIPELINE -a APP [-s STAGE] [--json]',
  args: [{ name: 'PIPELINE', required: true, description: 'pipeline name or id' }],
  flags: {
    stage: { type: 'string', short: 's', value: 'STAGE', description: 'review, development, staging or production (default: guessed from the app name)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth pipelines:add shop -a shop-prod -s production', 'berth pipelines:add shop -a shop-staging'],
  async run(ctx) {
    const app = ctx.app();
    const pipeline = await ctx.api.get<PipelineJson>(pipelinePath(ctx.args[0] as string));
    const stage = ctx.string('stage') ?? inferStage(app);
    const coupling = await ctx.api.post<CouplingJson>('/pipeline-couplings', { app, pipeline: pipeline.id, stage });
    if (ctx.bool('json')) return void ctx.printJson(coupling);
    ctx.print(`Adding ${app} to ${pipeline.name} pipeline as ${coupling.stage}... done`);
  },
};
