import type { AccountJson, AppJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';

export const apps: Command = {
  name: 'apps',
  aliases: ['apps:list'],
  summary: 'list your apps and the apps you collaborate on (every app with --all, for admins)',
  usage: 'apps [--all | -t TEAM] [--json]',
  flags: {
    team: { type: 'string', short: 't', value: 'TEAM', description: "the team's apps" },
    all: { type: 'boolean', description: 'every app you can see, not just yours (admins see all apps)' },
    json: jsonFlag,
  },
  examples: ['berth apps', 'berth apps --all', 'berth apps -t acme', 'berth apps --json'],
  async run(ctx) {
    const all = ctx.bool('all');
    const team = ctx.string('team');
    if (all || team !== undefined) {
      const list = await ctx.api.list<AppJson>(team === undefined ? '/apps' : `/teams/${encodeURIComponent(team)}/apps`);
      if (ctx.bool('json')) return void ctx.printJson(list);
      if (list.length === 0) return void ctx.note(team === undefined ? 'There are no apps.' : `Team ${team} has no apps.`);
      for (const line of formatTable(byName(list).map((app) => [app.name, app.owner.email]))) ctx.print(line);
      return;
    }
    const owned = await ctx.api.list<AppJson>('/users/~/apps');
    // GET /apps lists every app for an admin; anyone else gets theirs and those they collaborate on.
    const me = await ctx.api.get<AccountJson>('/account');
    const shared = me.berth_admin ? [] : (await ctx.api.list<AppJson>('/apps')).filter((app) => !owned.some((o) => o.id === app.id));
    if (ctx.bool('json')) return void ctx.printJson([...owned, ...shared]);
    if (owned.length === 0 && shared.length === 0) return void ctx.note('You have no apps. Create one with `berth apps:create`.');
    for (const line of formatTable(byName(owned).map((app) => [app.name]))) ctx.print(line);
    if (shared.length === 0) return;
    if (owned.length > 0) ctx.print();
    ctx.print(ctx.colours.out.bold('=== Collaborated Apps'));
    for (const line of formatTable(byName(shared).map((app) => [app.name, app.owner.email]))) ctx.print(line);
  },
};

const byName = (list: AppJson[]) => [...list].sort((a, b) => a.name.localeCompare(b.name));
