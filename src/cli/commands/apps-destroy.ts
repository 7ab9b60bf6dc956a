import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import { findApp } from '../app-resolution.js';
import { CliError } from '../cli-error.js';
import { appFlag, type Command } from '../command.js';
import { remotesToRemove } from '../git-url.js';

export const appsDestroy: Command = {
  name: 'apps:destroy',
  aliases: ['destroy'],
  summary: 'permanently destroy an app',
  description: 'Asks for the app name twice: as the app (argument, -a, BERTH_APP or git remote) and in --confirm.',
  usage: 'apps:destroy [APP] --confirm APP',
  args: [{ name: 'APP', required: false, description: 'the app to destroy (or -a APP)' }],
  flags: {
    app: appFlag,
    confirm: { type: 'string', value: 'APP', description: 'the app name again, to confirm' },
  },
  examples: ['berth apps:destroy --confirm my-app', 'berth apps:destroy my-app --confirm my-app'],
  async run(ctx) {
    const confirm = ctx.string('confirm');
    const explicit = ctx.args[0] ?? ctx.string('app') ?? confirm;
    const app = explicit ?? (await findApp(ctx.io.env.BERTH_APP ? { env: ctx.io.env.BERTH_APP } : {}, ctx.git));
    if (confirm !== app) {
      const why = confirm === undefined ? '' : ` (--confirm ${confirm} does not match)`;
      throw new CliError(`This permanently destroys ${app} with its config and releases${why}.`, {
        hint: `To proceed, run: berth apps:destroy ${app} --confirm ${app}`,
      });
    }
    const destroyed = await ctx.api.delete<AppJson>(appPath(app));
    ctx.print(`Destroying ${app}... done`);
    if (!(await ctx.git.isInsideWorkTree())) return;
    for (const remote of remotesToRemove(await ctx.git.remotes(), app, destroyed.git_url)) {
      await ctx.git.removeRemote(remote);
      ctx.print(`Git remote ${remote} removed`);
    }
  },
};
