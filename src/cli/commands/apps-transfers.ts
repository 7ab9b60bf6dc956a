import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import type { AppTransferJson } from '../transfer-types.js';

export const appsTransfers: Command = {
  name: 'apps:transfers',
  summary: 'app transfers you sent or received, with their state',
  usage: 'apps:transfers [--json]',
  flags: { json: jsonFlag },
  examples: ['berth apps:transfers'],
  async run(ctx) {
    const list = await ctx.api.list<AppTransferJson>('/account/app-transfers');
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.note('There are no app transfers.');
    const rows = list.map((t) => [t.app.name ?? t.app.id, t.owner.email, t.recipient.email, t.state]);
    for (const line of formatTable([['App', 'From', 'To', 'State'], ...rows])) ctx.print(line);
  },
};
