import type { PlanJson } from '../addon-types.js';
import { formatPrice } from '../addon-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

const GB = 1024 ** 3;
const MB = 1024 ** 2;
const bytes = (n: number) => (n >= GB ? `${n / GB} GB` : `${n / MB} MB`);

/** `20 connections, 1 GB storage` / `25 MB memory`. */
function limits(plan: PlanJson): string {
  const l = plan.berth_limits;
  if (!l) return '';
  return [l.connections !== null ? `${l.connections} connections` : '', l.storage_bytes !== null ? `${bytes(l.storage_bytes)} storage` : '', l.maxmemory_bytes !== null ? `${bytes(l.maxmemory_bytes)} memory` : '']
    .filter(Boolean)
    .join(', ');
}

export const addonsPlans: Command = {
  name: 'addons:plans',
  summary: "list a service's plans with prices and limits",
  usage: 'addons:plans SERVICE [--json]',
  args: [{ name: 'SERVICE', required: true, description: 'heroku-postgresql, heroku-redis, or a short name (postgresql, redis)' }],
  flags: { json: jsonFlag },
  examples: ['berth addons:plans heroku-postgresql', 'berth addons:plans redis --json'],
  async run(ctx) {
    const plans = await ctx.api.get<PlanJson[]>(`/addon-services/${encodeURIComponent(ctx.args[0] as string)}/plans`);
    if (ctx.bool('json')) return void ctx.printJson(plans);
    const rows = plans.map((p) => [p.default ? 'default' : '', p.name, p.human_name, formatPrice(p.price), limits(p)]);
    for (const line of formatTable([['', 'Slug', 'Name', 'Price', 'Limits'], ...rows])) ctx.print(line);
  },
};
