import { spawn } from 'node:child_process';
import { appPath } from '../api-client.js';
import type { AppJson } from '../api-types.js';
import type { Command } from '../command.js';
import { findOnPath } from '../find-on-path.js';

export const open: Command = {
  name: 'open',
  aliases: ['apps:open'],
  summary: "print the app's URL and open it in a browser (when there is one)",
  description:
    'Prints the web URL (with PATH appended). On a terminal with xdg-open on PATH it also opens it\n' +
    'in your browser; piped, or on a server without a desktop, it only prints.',
  usage: 'open [PATH] [-a APP]',
  args: [{ name: 'PATH', required: false, description: 'a path on the app, e.g. /admin' }],
  flags: {},
  needsApp: true,
  examples: ['berth open', 'berth open /status -a my-app'],
  async run(ctx) {
    const app = await ctx.api.get<AppJson>(appPath(ctx.app()));
    const url = new URL((ctx.args[0] ?? '').replace(/^\/+/, ''), app.web_url).href;
    ctx.print(url);
    if (ctx.io.stdout.isTTY !== true) return 0;
    const opener = await findOnPath('xdg-open', ctx.io.env.PATH);
    if (opener === undefined) return 0;
    const child = spawn(opener, [url], { detached: true, stdio: 'ignore', env: ctx.io.env });
    child.on('error', () => undefined);
    child.unref();
    return 0;
  },
};
