import type { Command } from '../command.js';
import { buildCommand, parseEnvFlags, runFlags, startOneOff, type OneOffBody } from '../run-request.js';
import { showLogs } from './logs.js';

export const runDetached: Command = {
  name: 'run:detached',
  summary: 'run a one-off command in the background; its output goes to the logs',
  usage: 'run:detached [-s SIZE] [--type TYPE] [-e KEY=VALUE]... [-t] [-a APP] [--] COMMAND...',
  args: [{ name: 'COMMAND', required: true, variadic: true, description: 'the command line to run' }],
  flags: {
    ...runFlags,
    tail: { type: 'boolean', short: 't', description: "follow the dyno's log output" },
  },
  needsApp: true,
  passthrough: true,
  examples: ['berth run:detached rake db:migrate', 'berth run:detached -t -- node worker.js --once -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const command = buildCommand(ctx.args);
    const body: OneOffBody = { command, attach: false, env: parseEnvFlags(ctx.strings('env')) };
    const size = ctx.string('size');
    if (size !== undefined) body.size = size;
    const type = ctx.string('type');
    if (type !== undefined) body.type = type;
    const dyno = await startOneOff(ctx.api, app, body);
    ctx.print(`Running ${command} on ${app}... up, ${dyno.name}`);
    if (ctx.bool('tail')) return showLogs(ctx, app, { tail: true, dyno: dyno.name });
    ctx.print(`Run berth logs --app ${app} --dyno ${dyno.name} to view the output.`);
  },
};
