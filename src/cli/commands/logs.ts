import { appPath } from '../api-client.js';
import type { LogSessionJson } from '../api-types.js';
import { CliError, UsageError } from '../cli-error.js';
import { colourEnabled, colours } from '../colour.js';
import type { CommandContext, Command } from '../command.js';
import { printLogSession } from '../log-stream.js';
import { countFlag } from './releases.js';

export interface LogRequest {
  lines?: number;
  tail: boolean;
  source?: string;
  dyno?: string;
}

/** POSTs a log session and prints it; with `tail`, until the server closes it or Ctrl-C. */
export async function showLogs(ctx: CommandContext, app: string, request: LogRequest): Promise<number> {
  const session = await ctx.api.post<LogSessionJson>(appPath(app, '/log-sessions'), request);
  const colour = colourEnabled(ctx.io.stdout.isTTY, ctx.io.env) && ctx.io.env.BERTH_LOGS_COLOR !== '0';
  const outcome = await printLogSession(session.logplex_url, { out: ctx.io.stdout, ...(colour ? { colours: colours(true) } : {}), ...(ctx.ca ? { ca: ctx.ca } : {}) });
  if (outcome === 'ended' && request.tail) {
    throw new CliError('The log stream was closed by the server (was Berth restarted?).', { hint: 'Run the command again to keep following the logs.' });
  }
  return 0;
}

export const logs: Command = {
  name: 'logs',
  summary: "show an app's recent log lines, or follow them with --tail",
  description: 'Lines come from the app (source app: dynos, release phase, API events) and from Berth\n(source heroku: router, dyno manager). Ctrl-C stops --tail. BERTH_LOGS_COLOR=0 or NO_COLOR turns colour off.',
  usage: 'logs [-n N] [-t] [-s app|heroku] [-d DYNO | -p TYPE] [-a APP]',
  flags: {
    num: { type: 'string', short: 'n', value: 'N', description: 'how many past lines to show (default 100, at most 1500)' },
    tail: { type: 'boolean', short: 't', description: 'keep following new lines' },
    source: { type: 'string', short: 's', value: 'SOURCE', description: 'only lines from this source: app or heroku' },
    dyno: { type: 'string', short: 'd', value: 'DYNO', description: 'only lines from this dyno, e.g. web.1' },
    'process-type': { type: 'string', short: 'p', value: 'TYPE', description: 'only lines from this process type, e.g. web' },
  },
  needsApp: true,
  examples: ['berth logs', 'berth logs --tail', 'berth logs -n 500 -s app -p web', 'berth logs -d run.1234 -a my-app'],
  async run(ctx) {
    const dyno = ctx.string('dyno');
    const type = ctx.string('process-type');
    if (dyno !== undefined && type !== undefined) throw new UsageError('Use either -d DYNO or -p TYPE, not both.');
    const request: LogRequest = { lines: countFlag(ctx.string('num'), 100, 1500, 0), tail: ctx.bool('tail') };
    const source = ctx.string('source');
    if (source !== undefined) request.source = source;
    const filter = dyno ?? type;
    if (filter !== undefined) request.dyno = filter;
    return showLogs(ctx, ctx.app(), request);
  },
};
