import { appPath } from '../api-client.js';
import type { ConfigVarsJson } from '../api-types.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import { doneWithVersion } from '../release-lookup.js';

/** `A=1 B=x=y` → `{A: "1", B: "x=y"}` (the value is everything after the first `=`). */
export function parseAssignments(args: readonly string[]): Record<string, string> {
  const vars = new Map<string, string>();
  for (const arg of args) {
    const at = arg.indexOf('=');
    if (at <= 0) throw new UsageError(`${JSON.stringify(arg)} is invalid: use the form KEY=value, e.g. RAILS_ENV=staging.`);
    vars.set(arg.slice(0, at), arg.slice(at + 1));
  }
  return Object.fromEntries(vars);
}

export const configSet: Command = {
  name: 'config:set',
  aliases: ['config:add'],
  summary: 'set config vars; makes a new release and restarts the dynos',
  usage: 'config:set KEY=VALUE... [-a APP]',
  args: [{ name: 'KEY=VALUE', required: true, variadic: true, description: 'one or more assignments' }],
  flags: {},
  needsApp: true,
  examples: ['berth config:set RAILS_ENV=staging', 'berth config:set A=1 B="two words" -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const vars = parseAssignments(ctx.args);
    const names = Object.keys(vars);
    const all = await ctx.api.patch<ConfigVarsJson>(appPath(app, '/config-vars'), vars);
    ctx.print(`Setting ${names.join(', ')} and restarting ${app}... ${await doneWithVersion(ctx.api, app)}`);
    const c = ctx.colours.out;
    for (const line of formatKeyValues(names.map((n) => [c.green(n), all[n] ?? '']))) ctx.print(line);
  },
};
