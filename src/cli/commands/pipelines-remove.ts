import type { Command } from '../command.js';
import { couplingOf } from '../pipeline-types.js';

export const pipelinesRemove: Command = {
  name: 'pipelines:remove',
  summary: 'remove the app from its pipeline (the app stays)',
  usage: 'pipelines:remove -a APP',
  flags: {},
  needsApp: true,
  examples: ['berth pipelines:remove -a shop-staging'],
  async run(ctx) {
    const app = ctx.app();
    const coupling = await couplingOf(ctx.api, app);
    await ctx.api.delete(`/pipeline-couplings/${coupling.id}`);
    ctx.print(`Removing ${app} from ${coupling.pipeline.name}... done`);
  },
};
