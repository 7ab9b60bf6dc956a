import type { AppJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { ensureGitAccess } from '../git-access.js';

export const appsCreate: Command = {
  name: 'apps:create',
  aliases: ['create'],
  summary: 'create an app (and a `berth` git remote when run in a git repo)',
  usage: 'apps:create [NAME] [options]',
  args: [{ name: 'NAME', required: false, description: 'app name; a random one when left out' }],
  flags: {
    region: { type: 'string', value: 'REGION', description: 'region (this install has one: local)' },
    stack: { type: 'string', value: 'STACK', description: 'stack to build on (default berth-24; heroku-24 and heroku-22 map to it)' },
    team: { type: 'string', short: 't', value: 'TEAM', description: 'create the app in this team (the team owns it)' },
    remote: { type: 'string', value: 'NAME', description: 'name of the git remote to add (default berth)' },
    'no-remote': { type: 'boolean', description: 'do not add a git remote' },
    json: jsonFlag,
  },
  examples: ['berth apps:create', 'berth apps:create my-app', 'berth apps:create shop -t acme', 'berth apps:create my-app --remote staging', 'berth apps:create my-app --no-remote'],
  async run(ctx) {
    const body: Record<string, string> = {};
    const [name] = ctx.args;
    if (name !== undefined) body.name = name;
    for (const key of ['region', 'stack'] as const) {
      const value = ctx.string(key);
      if (value !== undefined) body[key] = value;
    }
    const team = ctx.string('team');
    const res = team === undefined ? await ctx.api.request<AppJson>('POST', '/apps', { body }) : await ctx.api.request<AppJson>('POST', '/teams/apps', { body: { ...body, team } });
    const app = res.body;
    // A Heroku stack name (heroku-24) maps to berth-24: the API says so in one line.
    const notice = res.headers.get('warning-message');
    if (notice) ctx.note(`Note: ${notice}`);
    const json = ctx.bool('json');
    if (json) ctx.printJson(app);
    else ctx.print(`Creating ${app.name}... done\n${app.web_url} | ${app.git_url}`);
    if (ctx.bool('no-remote') || !(await ctx.git.isInsideWorkTree())) return;
    const remote = ctx.string('remote') ?? 'berth';
    const result = await ctx.git.setRemote(remote, app.git_url);
    const message = `Git remote ${remote} ${result === 'unchanged' ? 'already points there' : result}: ${app.git_url}`;
    const setup = await ensureGitAccess(ctx);
    for (const line of [message, setup]) {
      if (line === undefined) continue;
      if (json) ctx.note(line);
      else ctx.print(line);
    }
  },
};
