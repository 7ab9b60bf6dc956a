import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import { pipelinePath } from '../pipeline-types.js';
import { REVIEW_APPS_FLAGS, reviewAppsPipeline } from '../review-apps-pipeline.js';

interface ReviewAppJson {
  id: string;
  app: { id: string; name: string } | null;
  branch: string;
  commit: string;
  status: string;
  message: string | null;
  web_url: string | null;
  last_push_at: string;
}

export const reviewapps: Command = {
  name: 'reviewapps',
  summary: "a pipeline's review apps: branch, status and URL",
  usage: 'reviewapps [-p PIPELINE | -a APP] [--json]',
  flags: { ...REVIEW_APPS_FLAGS, json: jsonFlag },
  examples: ['berth reviewapps -p shop', 'berth reviewapps -a shop-staging'],
  async run(ctx) {
    const pipeline = await reviewAppsPipeline(ctx);
    const reviews = await ctx.api.get<ReviewAppJson[]>(pipelinePath(pipeline, '/review-apps'));
    if (ctx.bool('json')) return void ctx.printJson(reviews);
    if (reviews.length === 0) return void ctx.note('No review apps: push a branch other than main to an app of the pipeline (git push berth feature-x).');
    const rows = reviews.map((r) => [r.app?.name ?? '(gone)', r.branch, r.status + (r.message ? `: ${r.message.split('\n')[0]}` : ''), r.web_url ?? '']);
    for (const line of formatTable([['app', 'branch', 'status', 'url'], ...rows])) ctx.print(line);
  },
};

