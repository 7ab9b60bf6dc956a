import type { Command } from '../command.js';

interface UpdateJson {
  stack: string;
  version: string;
  previous_version: string | null;
  apps_rolled: number;
}

export const stacksUpdate: Command = {
  name: 'stacks:update',
  summary: "rebuild the stack images from Debian's current packages and roll every dyno onto them, no app rebuilds (admins only)",
  usage: 'stacks:update [STACK]',
  flags: {},
  args: [{ name: 'STACK', required: false, description: 'the stack to rebuild (default berth-24)' }],
  examples: ['berth stacks:update', 'berth stacks:update berth-24'],
  async run(ctx) {
    const name = ctx.args[0] ?? 'berth-24';
    ctx.print(`Rebuilding the ${name} images (minutes: the packages are fetched and installed again)...`);
    const res = await ctx.api.post<UpdateJson>(`/stacks/${encodeURIComponent(name)}/actions/update`, {}, { timeoutMs: 60 * 60_000 });
    if (res.version === res.previous_version) {
      ctx.print(`${res.stack} ${res.version}: the rebuild gave the same images; nothing to roll.`);
      return;
    }
    ctx.print(`${res.stack} is now ${res.version}${res.previous_version ? ` (was ${res.previous_version})` : ''}.`);
    ctx.print(`Rolling the dynos of ${res.apps_rolled} app${res.apps_rolled === 1 ? '' : 's'} onto it, without rebuilding them (zero-downtime restarts; see berth ps).`);
  },
};
