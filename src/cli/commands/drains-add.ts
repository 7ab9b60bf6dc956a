import { appPath } from '../api-client.js';
import type { LogDrainJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';

export const drainsAdd: Command = {
  name: 'drains:add',
  summary: "send an app's logs to a syslog or HTTPS endpoint as well",
  usage: 'drains:add URL [-a APP] [--json]',
  args: [{ name: 'URL', required: true, description: 'syslog+tls://host:port, syslog://host:port or https://…' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth drains:add syslog+tls://logs.example.com:6514', 'berth drains:add https://user:pass@logs.example.com/ingest -a my-app'],
  async run(ctx) {
    const drain = await ctx.api.post<LogDrainJson>(appPath(ctx.app(), '/log-drains'), { url: ctx.args[0] });
    if (ctx.bool('json')) return void ctx.printJson(drain);
    ctx.print(`Successfully added drain ${drain.url} (${drain.token})`);
  },
};
