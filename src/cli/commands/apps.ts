import type { AppJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

export const apps: Command = {
  name: 'apps',
  aliases: ['apps:list'],
  summary: 'list your apps (every app with --all, for admins)',
  usage: 'apps [--all] [--json]',
  flags: {
    all: { type: 'boolean', description: 'every app you can see, not just yours (admins see all apps)' },
    json: jsonFlag,
  },
  examples: ['berth apps', 'berth apps --all', 'berth apps --json'],
  async run(ctx) {
    const all = ctx.bool('all');
    const list = await ctx.api.list<AppJson>(all ? '/apps' : '/users/~/apps');
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.note(all ? 'There are no apps.' : 'You have no apps. Create one with `berth apps:create`.');
    const sorted = [...list].sort((a, b) => a.name.localeCompare(b.name));
    const rows = sorted.map((app) => (all ? [app.name, app.owner.email] : [app.name]));
    for (const line of formatTable(rows)) ctx.print(line);
  },
};
