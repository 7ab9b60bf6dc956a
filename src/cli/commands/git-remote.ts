import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { ensureGitAccess } from '../git-access.js';

export const gitRemote: Command = {
  name: 'git:remote',
  summary: 'add (or repoint) a git remote for an app in this repository',
  usage: 'git:remote -a APP [--remote NAME]',
  flags: { remote: { type: 'string', value: 'NAME', description: 'name of the git remote (default berth)' } },
  needsApp: true,
  examples: ['berth git:remote -a my-app', 'berth git:remote -a my-app --remote staging'],
  async run(ctx) {
    if (!(await ctx.git.isInsideWorkTree())) {
      throw new CliError(`${ctx.io.cwd} is not inside a git work tree.`, { hint: 'Run this in your app\'s directory (`git init` first for a new one).' });
    }
    const app = await ctx.api.get<AppJson>(appPath(ctx.app()));
    const remote = ctx.string('remote') ?? 'berth';
    const result = await ctx.git.setRemote(remote, app.git_url);
    ctx.print(`Git remote ${remote} ${result === 'unchanged' ? 'already points there' : result}: ${app.git_url}`);
    const setup = await ensureGitAccess(ctx);
    if (setup !== undefined) ctx.print(setup);
  },
};
