import { appPath } from '../api-client.js';
import type { DynoJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import type { Plan } from '../../core/dyno-plan.js';
import { formatDynos, formatPlan } from '../ps-format.js';

export const ps: Command = {
  name: 'ps',
  aliases: ['dynos'],
  summary: "list an app's dynos (--diff: what the dyno manager will do next)",
  description: '--diff shows the dyno manager\'s plan for the app right now: the dynos it would start and\nstop to match the formation, and why (crash cool-offs, restarts, daily cycling).',
  usage: 'ps [TYPE...] [-a APP] [--json] [--diff]',
  args: [{ name: 'TYPE', required: false, variadic: true, description: 'only dynos of these process types' }],
  flags: {
    diff: { type: 'boolean', description: 'show the formation plan: dynos to start and stop, and notes' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth ps', 'berth ps web', 'berth ps --diff', 'berth ps --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const now = new Date();
    if (ctx.bool('diff')) {
      const plan = await ctx.api.get<Plan>(appPath(app, '/formation-plan'));
      if (ctx.bool('json')) return void ctx.printJson(plan);
      for (const line of formatPlan(plan, now)) ctx.print(line);
      return;
    }
    let dynos = await ctx.api.get<DynoJson[]>(appPath(app, '/dynos'));
    if (ctx.args.length > 0) {
      dynos = dynos.filter((d) => ctx.args.includes(d.type));
      const missing = ctx.args.find((t) => !dynos.some((d) => d.type === t));
      if (missing !== undefined) throw new CliError(`No ${missing} dynos on ${app}.`, { hint: 'See them all with `berth ps`; scale with `berth ps:scale`.' });
    }
    dynos.sort((a, b) => (a.name > b.name ? 1 : a.name < b.name ? -1 : 0));
    if (ctx.bool('json')) return void ctx.printJson(dynos);
    if (dynos.length === 0) return void ctx.print(`No dynos on ${app}`);
    const lines = formatDynos(dynos, now, ctx.colours.out);
    if (lines.at(-1) === '') lines.pop();
    for (const line of lines) ctx.print(line);
  },
};
