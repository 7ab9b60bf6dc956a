import type { Command } from '../command.js';
import { CliError } from '../cli-error.js';
import { pipelinePath } from '../pipeline-types.js';
import { REVIEW_APPS_FLAGS, reviewAppsPipeline } from '../review-apps-pipeline.js';

interface ReviewAppConfigJson {
  stale_days: number;
}

export const reviewappsEnable: Command = {
  name: 'reviewapps:enable',
  summary: 'turn on review apps for a pipeline: branch pushes to its apps make review apps',
  usage: 'reviewapps:enable [-p PIPELINE | -a APP] [--stale-days N]',
  flags: { ...REVIEW_APPS_FLAGS, 'stale-days': { type: 'string', value: 'N', description: 'destroy a review app after N days without a push (default 5)' } },
  examples: ['berth reviewapps:enable -p shop', 'berth reviewapps:enable -p shop --stale-days 2'],
  async run(ctx) {
    const pipeline = await reviewAppsPipeline(ctx);
    const days = ctx.string('stale-days');
    if (days !== undefined && !/^\d+$/.test(days)) throw new CliError(`--stale-days must be a whole number of days, not ${JSON.stringify(days)}.`);
    const config = await ctx.api.post<ReviewAppConfigJson>(pipelinePath(pipeline, '/review-app-config'), days === undefined ? {} : { stale_days: Number(days) });
    ctx.print(`Review apps are on for ${pipeline}: a branch pushed to one of its apps becomes APP-pr-BRANCH; a review app without a push for ${config.stale_days} days is destroyed.`);
  },
};

