import type { ServiceJson } from '../addon-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

export const addonsServices: Command = {
  name: 'addons:services',
  summary: 'list the add-on services this Berth offers',
  usage: 'addons:services [--json]',
  flags: { json: jsonFlag },
  examples: ['berth addons:services'],
  async run(ctx) {
    const services = await ctx.api.get<ServiceJson[]>('/addon-services');
    if (ctx.bool('json')) return void ctx.printJson(services);
    for (const line of formatTable([['Slug', 'Name', 'State'], ...services.map((s) => [s.name, s.human_name, s.state])])) ctx.print(line);
  },
};
