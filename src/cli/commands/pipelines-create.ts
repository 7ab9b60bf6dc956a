import { inferStage } from '../../core/pipeline-stage.js';
import { jsonFlag, type Command } from '../command.js';
import type { CouplingJson, PipelineJson } from '../pipeline-types.js';

/** `shop-staging` → `shop`: the app's name without a stage suffix. */
export function pipelineNameFor(app: string): string {
  return app.replace(/-(dev|development|uat|tst|test|qa|stg|staging|prd|prod|production|admin|demo)$/, '');
}

export const pipelinesCreate: Command = {
  name: 'pipelines:create',
  summary: 'create a pipeline with the app as its first member',
  description:
    'NAME defaults to the app name without a stage suffix (shop-staging → shop). The stage defaults\n' +
    'to what the app name suggests (-staging → staging, -prod → production, else development).',
  usage: 'pipelines:create [NAME] -a APP [-s STAGE] [--json]',
  args: [{ name: 'NAME', required: false, description: 'pipeline name: a lower-case letter, then 2-29 lower-case letters, digits or dashes' }],
  flags: {
    stage: { type: 'string', short: 's', value: 'STAGE', description: 'stage of the app: review, development, staging or production' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth pipelines:create -a shop-staging', 'berth pipelines:create shop -a shop-dev -s development'],
  async run(ctx) {
    const app = ctx.app();
    const name = ctx.args[0] ?? pipelineNameFor(app);
    const stage = ctx.string('stage') ?? inferStage(app);
    const pipeline = await ctx.api.post<PipelineJson>('/pipelines', { name });
    const coupling = await ctx.api.post<CouplingJson>('/pipeline-couplings', { app, pipeline: pipeline.id, stage });
    if (ctx.bool('json')) return void ctx.printJson({ pipeline, coupling });
    ctx.print(`Creating ${pipeline.name} pipeline... done`);
    ctx.print(`Adding ${app} to ${pipeline.name} pipeline as ${coupling.stage}... done`);
  },
};
