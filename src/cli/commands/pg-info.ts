import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import { resolveDatabase, type DatabaseJson } from '../pg-data.js';

export const pgInfo: Command = {
  name: 'pg:info',
  aliases: ['pg'],
  summary: "show the app's Postgres databases: plan, status, connections, size, backups",
  usage: 'pg:info [DATABASE] [-a APP] [--json]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment (DATABASE, HEROKU_POSTGRESQL_RED), config var or add-on name; default: all' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth pg:info', 'berth pg:info HEROKU_POSTGRESQL_RED -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const [database] = ctx.args;
    const databases = database === undefined
      ? await ctx.api.get<DatabaseJson[]>(`/client/v11/apps/${encodeURIComponent(app)}/databases`)
      : [await resolveDatabase(ctx.api, app, database)];
    if (ctx.bool('json')) return void ctx.printJson(databases);
    if (databases.length === 0) return void ctx.print(`${app} has no heroku-postgresql databases.`);
    for (const db of databases) {
      ctx.print(ctx.colours.out.bold(`=== ${db.attachment_names.map((n) => `${n}_URL`).join(', ') || db.name}`));
      const pairs = db.info.filter((i) => i.values.length > 0).map((i) => [i.name, i.values.join(', ')] as const);
      for (const line of formatKeyValues([...pairs, ['Add-on', db.name]])) ctx.print(line);
      ctx.print();
    }
  },
};
