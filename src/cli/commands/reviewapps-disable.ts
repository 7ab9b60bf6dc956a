import type { Command } from '../command.js';
import { pipelinePath } from '../pipeline-types.js';
import { REVIEW_APPS_FLAGS, reviewAppsPipeline } from '../review-apps-pipeline.js';

export const reviewappsDisable: Command = {
  name: 'reviewapps:disable',
  summary: 'turn off review apps for a pipeline (existing review apps stay until their branch is deleted or they go stale)',
  usage: 'reviewapps:disable [-p PIPELINE | -a APP]',
  flags: { ...REVIEW_APPS_FLAGS },
  examples: ['berth reviewapps:disable -p shop'],
  async run(ctx) {
    const pipeline = await reviewAppsPipeline(ctx);
    await ctx.api.delete(pipelinePath(pipeline, '/review-app-config'));
    ctx.print(`Review apps are off for ${pipeline}.`);
  },
};
