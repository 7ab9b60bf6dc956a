import { nextStage, isPipelineStage } from '../../core/pipeline-stage.js';
import { CliError, UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import { couplingOf, pipelineApps, type PromotionJson, type PromotionTargetJson } from '../pipeline-types.js';

const POLL_MS = 300;

export const pipelinesPromote: Command = {
  name: 'pipelines:promote',
  summary: "promote the app's current slug to the next stage's apps (or to --to apps)",
  description:
    'Each target gets a new release with exactly this slug (no rebuild) and keeps its own config\n' +
    'vars and add-ons; its release phase runs as on any deploy. A target whose release phase fails\n' +
    'keeps its old release and is reported as failed (exit status 1).',
  usage: 'pipelines:promote -a APP [-t APP1,APP2] [--json]',
  flags: {
    to: { type: 'string', short: 't', value: 'APPS', description: 'comma-separated apps of the pipeline to promote to (default: every app of the next stage)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth pipelines:promote -a shop-staging', 'berth pipelines:promote -a shop-staging -t shop-eu,shop-us'],
  async run(ctx) {
    const app = ctx.app();
    const coupling = await couplingOf(ctx.api, app);
    const json = ctx.bool('json');
    if (!json) ctx.note(`Fetching apps from ${coupling.pipeline.name}...`);
    const apps = await pipelineApps(ctx.api, coupling.pipeline.id);
    const to = ctx.string('to');
    let targets;
    if (to !== undefined) {
      const names = to.split(',').map((n) => n.trim()).filter((n) => n.length > 0);
      if (names.length === 0) throw new UsageError('--to names no app: give a comma-separated list of apps.');
      targets = names.map((name) => {
        // The API refuses apps outside the pipeline too; asking it gives the same message for both clients.
        return apps.find((a) => a.app.name === name || a.app.id === name)?.app ?? { id: name, name };
      });
    } else {
      const stage = isPipelineStage(coupling.stage) ? nextStage(coupling.stage) : undefined;
      if (!stage) throw new CliError(`Cannot promote ${app} from the ${coupling.stage} stage: there is no later stage.`, { hint: 'Name the targets with --to.' });
      targets = apps.filter((a) => a.stage === stage).map((a) => a.app);
      if (targets.length === 0) throw new CliError(`Cannot promote from ${app}: there are no apps in the ${stage} stage.`, { hint: `Add one with \`berth pipelines:add ${coupling.pipeline.name} -a APP -s ${stage}\`.` });
    }
    if (!json) ctx.note(`Starting promotion to ${targets.map((t) => t.name).join(', ')}...`);
    const promotion = await ctx.api.post<PromotionJson>('/pipeline-promotions', {
      pipeline: { id: coupling.pipeline.id },
      source: { app: { id: coupling.app.id } },
      targets: targets.map((t) => ({ app: { id: t.id } })),
    });
    if (!json) ctx.note('Waiting for promotion to complete...');
    let result: PromotionTargetJson[];
    for (;;) {
      result = await ctx.api.get<PromotionTargetJson[]>(`/pipeline-promotions/${promotion.id}/promotion-targets`);
      if (result.every((t) => t.status !== 'pending')) break;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    const names = new Map(apps.map((a) => [a.app.id, a.app.name]));
    if (json) ctx.printJson({ promotion, targets: result });
    else {
      const ok = result.every((t) => t.status === 'succeeded');
      ctx.print(ok ? 'Promotion successful' : 'Promotion to some apps failed');
      const pairs = result.map((t) => [names.get(t.app.id) ?? t.app.id, t.status === 'failed' ? `failed: ${t.error_message ?? 'unknown error'}` : t.status] as const);
      for (const line of formatKeyValues(pairs)) ctx.print(line);
    }
    if (result.some((t) => t.status !== 'succeeded')) throw new CliError('The promotion failed on some apps; they keep their previous release.', { hint: 'See `berth releases -a APP` and `berth logs -a APP` of each failed app.' });
  },
};
