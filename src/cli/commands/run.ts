import type { Command } from '../command.js';
import { CliError } from '../cli-error.js';
import { attachRendezvous } from '../rendezvous-client.js';
import { buildCommand, parseEnvFlags, rendezvousCa, runFlags, startOneOff, type OneOffBody } from '../run-request.js';

type Terminal = { isTTY?: boolean; columns?: number; rows?: number };

export const run: Command = {
  name: 'run',
  summary: 'run a one-off command in a new dyno, attached to this terminal',
  description:
    "Words that are exactly one of the flags below (-a APP, -e KEY=VALUE ...) are berth's; all other\n" +
    'words, in order, form the command. Put the command after -- when it uses one of those flags.\n' +
    'berth run exits with the exit status of the command.\n\n' +
    'The connection to the dyno is TLS, verified against the trusted CAs: when Berth uses its own\n' +
    'CA, set NODE_EXTRA_CA_CERTS to its certificate (tls/ca.crt under the data dir, ~/.berth by default).',
  usage: 'run [-s SIZE] [--type TYPE] [--no-tty] [-e KEY=VALUE]... [-a APP] [--] COMMAND...',
  args: [{ name: 'COMMAND', required: true, variadic: true, description: 'the command line to run, e.g. bash' }],
  flags: {
    ...runFlags,
    'no-tty': { type: 'boolean', description: 'no terminal in the dyno (default when stdin is not a terminal)' },
    'exit-code': { type: 'boolean', short: 'x', description: 'exit with the command\'s status (always on; kept for the official CLI\'s scripts)' },
  },
  needsApp: true,
  passthrough: true,
  examples: ['berth run bash', 'berth run -s standard-2x -- rake db:migrate', 'berth run -e DEBUG=1 node script.js -a my-app', 'echo "select 1" | berth run psql'],
  async run(ctx) {
    const app = ctx.app();
    const command = buildCommand(ctx.args);
    const stdin = ctx.io.stdin;
    const stdout = ctx.io.stdout as typeof ctx.io.stdout & Terminal;
    const noTty = ctx.bool('no-tty') || stdin.isTTY !== true;
    const env = parseEnvFlags(ctx.strings('env'));
    if (ctx.io.env.TERM) env.TERM = ctx.io.env.TERM;
    if (stdout.isTTY === true) {
      if (stdout.columns) env.COLUMNS = String(stdout.columns);
      if (stdout.rows) env.LINES = String(stdout.rows);
    }
    const body: OneOffBody = { command, attach: true, env };
    if (noTty) body.force_no_tty = true;
    const size = ctx.string('size');
    if (size !== undefined) body.size = size;
    const type = ctx.string('type');
    if (type !== undefined) body.type = type;
    const ca = await rendezvousCa(ctx.io.env);
    const dyno = await startOneOff(ctx.api, app, body);
    if (!dyno.attach_url) throw new CliError(`The API started ${dyno.name} but gave no attach_url to connect to.`, { hint: `See its output with \`berth logs -d ${dyno.name} -a ${app}\`.` });
    ctx.io.stderr.write(`Running ${command} on ${app}... `);
    const result = await attachRendezvous({
      attachUrl: dyno.attach_url,
      ...(ca === undefined ? {} : { ca }),
      stdin,
      stdout,
      rawMode: !noTty,
      crlfToLf: stdout.isTTY !== true,
      onAttached: () => ctx.io.stderr.write(`up, ${dyno.name}\n`),
    }).catch((err: unknown) => {
      ctx.io.stderr.write('failed\n');
      throw err;
    });
    if (result.forcedDisconnect) throw new CliError('Disconnected from the dyno (four Ctrl-C within a second).', { hint: `It may still run: \`berth ps:stop ${dyno.name} -a ${app}\`.` });
    if (result.exitCode === undefined) {
      throw new CliError(`${dyno.name} ended without reporting an exit status (it was stopped, timed out, or the command called exit).`);
    }
    if (result.exitCode !== 0) ctx.note(`Process exited with code ${result.exitCode}`);
    return result.exitCode;
  },
};
