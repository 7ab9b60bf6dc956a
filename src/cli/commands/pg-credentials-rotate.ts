import type { Command } from '../command.js';
import { requireConfirm, resolveDatabase } from '../pg-data.js';

export const pgCredentialsRotate: Command = {
  name: 'pg:credentials:rotate',
  summary: "rotate a database's password: a new URL on every attached app, then the old one revoked",
  description: 'Each attached app gets a release with the new URL and its dynos roll; the old role is revoked after that.',
  usage: 'pg:credentials:rotate [DATABASE] --confirm APP [-a APP]',
  args: [{ name: 'DATABASE', required: false, description: 'attachment, config var or add-on name (default DATABASE)' }],
  flags: { confirm: { type: 'string', value: 'APP', description: 'the app name again, to confirm' } },
  needsApp: true,
  examples: ['berth pg:credentials:rotate --confirm my-app'],
  async run(ctx) {
    const app = ctx.app();
    requireConfirm(app, ctx.string('confirm'), 'This changes the password of the database and restarts the apps using it', `berth pg:credentials:rotate ${ctx.args[0] ?? ''}`.trimEnd() + ` -a ${app}`);
    const db = await resolveDatabase(ctx.api, app, ctx.args[0]);
    await ctx.api.post(`/postgres/v0/databases/${db.addon_id}/credentials/default/credentials_rotation`, {});
    ctx.print(`Rotating default credential on ${db.name}... done`);
  },
};
