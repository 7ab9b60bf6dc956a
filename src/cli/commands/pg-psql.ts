import { runAttached, shellQuote } from '../attached-dyno.js';
import type { Command } from '../command.js';
import { resolveDatabase } from '../pg-data.js';

export const pgPsql: Command = {
  name: 'pg:psql',
  aliases: ['psql'],
  summary: 'open psql on a database, from a one-off dyno attached to this terminal',
  description:
    'psql runs inside a one-off dyno on the dyno network, where the add-on server listens, with the\n' +
    "app's config vars; it exits with psql's status. Use -c to run one command.",
  usage: 'pg:psql [DATABASE] [-c COMMAND] [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' }],
  flags: { command: { type: 'string', short: 'c', value: 'SQL', description: 'run this SQL and exit' } },
  needsApp: true,
  examples: ['berth pg:psql', "berth pg:psql -c 'select count(*) from users'", 'berth pg:psql HEROKU_POSTGRESQL_RED -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const db = await resolveDatabase(ctx.api, app, ctx.args[0]);
    const variable = `${db.attachment_names[0] ?? 'DATABASE'}_URL`;
    const sql = ctx.string('command');
    ctx.note(`--> Connecting to ${db.name}`);
    const command = `psql "$${variable}" --set=PROMPT1=${shellQuote(`${app}::${variable.replace(/_URL$/, '')}%R%# `)}${sql === undefined ? '' : ` -c ${shellQuote(sql)}`}`;
    return runAttached(ctx, app, command, { forceNoTty: sql !== undefined });
  },
};
