import { appPath } from '../api-client.js';
import type { FormationJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { parseScaleArgs } from '../scale-args.js';

export function noProcessTypes(app: string): CliError {
  return new CliError(`No process types on ${app}.`, { hint: 'Deploy code with a Procfile (e.g. `web: node server.js`) to add process types.' });
}

export const psScale: Command = {
  name: 'ps:scale',
  aliases: ['scale'],
  summary: 'scale dynos up or down, or resize them; no arguments print the formation',
  description:
    'Each argument is TYPE=N (absolute), TYPE+N or TYPE-N (relative), TYPE=N:SIZE (scale and\n' +
    'resize) or TYPE=SIZE (resize). Without arguments the formation is printed in a form\n' +
    'ps:scale accepts back.',
  usage: 'ps:scale [TYPE=N[:SIZE] | TYPE+N | TYPE-N | TYPE=SIZE]... [-a APP]',
  args: [{ name: 'CHANGE', required: false, variadic: true, description: 'e.g. web=2, worker+1, web=2:Standard-2X' }],
  flags: {},
  needsApp: true,
  examples: ['berth ps:scale', 'berth ps:scale web=3 worker+1', 'berth ps:scale web=2:Standard-2X -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    if (ctx.args.length === 0) {
      const formation = await ctx.api.get<FormationJson[]>(appPath(app, '/formation'));
      if (formation.length === 0) throw noProcessTypes(app);
      return void ctx.print(formation.map((f) => `${f.type}=${f.quantity}:${f.size}`).sort().join(' '));
    }
    const updates = parseScaleArgs(ctx.args);
    const formation = await ctx.api.patch<FormationJson[]>(appPath(app, '/formation'), { updates });
    const changed = formation.filter((f) => updates.some((u) => u.type === f.type));
    ctx.print(`Scaling dynos... done, now running ${changed.map((f) => `${f.type} at ${f.quantity}:${f.size}`).join(', ')}`);
  },
};
