import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { couplingOf, type CouplingJson } from '../pipeline-types.js';

export const pipelinesUpdate: Command = {
  name: 'pipelines:update',
  summary: 'move the app to another stage of its pipeline',
  usage: 'pipelines:update -a APP -s STAGE [--json]',
  flags: {
    stage: { type: 'string', short: 's', value: 'STAGE', description: 'review, development, staging or production' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth pipelines:update -a shop-qa -s staging'],
  async run(ctx) {
    const app = ctx.app();
    const stage = ctx.string('stage');
    if (stage === undefined) throw new UsageError('pipelines:update needs the new stage: -s STAGE.');
    const coupling = await couplingOf(ctx.api, app);
    const updated = await ctx.api.patch<CouplingJson>(`/pipeline-couplings/${coupling.id}`, { stage });
    if (ctx.bool('json')) return void ctx.printJson(updated);
    ctx.print(`Changing ${app} to ${updated.stage}... done`);
  },
};
