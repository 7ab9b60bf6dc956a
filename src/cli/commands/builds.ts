import { jsonFlag, type Command } from '../command.js';
import { recentBuilds } from '../build-lookup.js';
import { formatTable, formatWhen } from '../format.js';
import { countFlag } from './releases.js';

export const builds: Command = {
  name: 'builds',
  summary: "list an app's newest builds",
  usage: 'builds [-n N] [-a APP] [--json]',
  flags: {
    num: { type: 'string', short: 'n', value: 'N', description: 'how many builds to show (default 15)' },
    json: jsonFlag,
  },
  needsApp: true,
  examples: ['berth builds', 'berth builds -n 5 --json -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const list = await recentBuilds(ctx.api, app, countFlag(ctx.string('num'), 15));
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.print(`${app} has no builds yet.`);
    const c = ctx.colours.out;
    ctx.print(c.bold(`=== ${app} Builds`));
    const now = new Date();
    const paint = (status: string) => (status === 'succeeded' ? c.green(status) : status === 'failed' ? c.red(status) : c.yellow(status));
    const rows = list.map((b) => [b.id, paint(b.status), b.source_blob.version?.slice(0, 7) ?? '', b.user.email, formatWhen(new Date(b.created_at), now)]);
    for (const line of formatTable(rows)) ctx.print(line);
  },
};
