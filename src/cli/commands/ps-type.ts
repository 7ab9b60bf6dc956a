import { appPath } from '../api-client.js';
import type { FormationJson } from '../api-types.js';
import type { Command } from '../command.js';
import { DYNO_SIZE_NAMES, DYNO_SIZES } from '../../core/dyno-size.js';
import { formatTable } from '../format.js';
import { parseTypeArgs } from '../scale-args.js';
import { noProcessTypes } from './ps-scale.js';

export const psType: Command = {
  name: 'ps:type',
  aliases: ['ps:resize'],
  summary: 'change dyno sizes; without arguments, show each process type\'s size',
  description: 'TYPE=SIZE resizes one process type; a lone SIZE resizes every type. Sizes: ' + DYNO_SIZE_NAMES.join(', ') + '.',
  usage: 'ps:type [TYPE=SIZE... | SIZE] [-a APP]',
  args: [{ name: 'TYPE=SIZE', required: false, variadic: true, description: 'e.g. web=standard-2x, or one SIZE for all types' }],
  flags: {},
  needsApp: true,
  examples: ['berth ps:type', 'berth ps:type web=standard-2x worker=basic', 'berth ps:type standard-2x -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    let formation = await ctx.api.get<FormationJson[]>(appPath(app, '/formation'));
    if (ctx.args.length > 0) {
      const [only] = ctx.args;
      const updates = ctx.args.length === 1 && only !== undefined && !only.includes('=') ? formation.map((f) => ({ type: f.type, size: only })) : parseTypeArgs(ctx.args);
      if (formation.length === 0) throw noProcessTypes(app);
      await ctx.api.patch(appPath(app, '/formation'), { updates });
      ctx.print(`Scaling dynos on ${app}... done`);
      formation = await ctx.api.get<FormationJson[]>(appPath(app, '/formation'));
    }
    if (formation.length === 0) throw noProcessTypes(app);
    const c = ctx.colours.out;
    ctx.print(c.bold('=== Process Types'));
    const rows = [...formation].sort((a, b) => a.type.localeCompare(b.type)).map((f) => [f.type, f.size, String(f.quantity)]);
    for (const line of formatTable([['Type', 'Size', 'Qty'], ...rows])) ctx.print(line);
    ctx.print();
    ctx.print(`Sizes: ${DYNO_SIZE_NAMES.map((n) => `${DYNO_SIZES[n].displayName} (${DYNO_SIZES[n].memoryQuotaBytes / 1024 / 1024} MB)`).join(', ')}`);
  },
};
