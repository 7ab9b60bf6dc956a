import { appPath } from '../api-client.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';

export const stackSet: Command = {
  name: 'stack:set',
  summary: 'choose the stack the next build uses (Heroku names map to berth-24)',
  usage: 'stack:set STACK [-a APP]',
  flags: {},
  needsApp: true,
  args: [{ name: 'STACK', required: true, description: 'berth-24 (or heroku-24, heroku-22, which map to it)' }],
  examples: ['berth stack:set berth-24 -a my-app', 'berth stack:set heroku-24 -a my-app'],
  async run(ctx) {
    const requested = ctx.args[0];
    if (!requested) throw new CliError('Usage: berth stack:set STACK [-a APP] (berth stacks lists them)');
    const app = ctx.app();
    const res = await ctx.api.request<{ build_stack: { name: string }; stack: { name: string } }>('PATCH', appPath(app), { body: { build_stack: requested } });
    const notice = res.headers.get('warning-message');
    if (notice) ctx.print(`Note: ${notice}`);
    const now = res.body;
    if (now.build_stack.name === now.stack.name) ctx.print(`${app} is on stack ${now.stack.name}; the next build uses it too.`);
    else ctx.print(`Set ${app}'s stack to ${now.build_stack.name}: the next build uses it (berth git push or berth deploy).`);
  },
};
