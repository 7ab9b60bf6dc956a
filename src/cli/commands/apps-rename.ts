import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import type { Command } from '../command.js';
import { remotesToRename } from '../git-url.js';

export const appsRename: Command = {
  name: 'apps:rename',
  aliases: ['rename'],
  summary: 'rename an app (and repoint its git remote here)',
  usage: 'apps:rename NEWNAME [-a APP]',
  args: [{ name: 'NEWNAME', required: true, description: 'the new app name' }],
  flags: {},
  needsApp: true,
  examples: ['berth apps:rename new-name', 'berth apps:rename new-name -a old-name'],
  async run(ctx) {
    const oldName = ctx.app();
    const newName = ctx.args[0] as string;
    const app = await ctx.api.patch<AppJson>(appPath(oldName), { name: newName });
    ctx.print(`Renaming ${oldName} to ${app.name}... done\n${app.web_url} | ${app.git_url}`);
    if (!(await ctx.git.isInsideWorkTree())) return;
    for (const remote of remotesToRename(await ctx.git.remotes(), oldName, app.name, app.git_url)) {
      await ctx.git.setRemote(remote, app.git_url);
      ctx.print(`Git remote ${remote} updated: ${app.git_url}`);
    }
    ctx.note('Other clones of the app keep the old remote URL: update them with `berth git:remote`.');
  },
};
