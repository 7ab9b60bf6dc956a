import type { Command } from '../command.js';
import { CliError } from '../cli-error.js';
import { attachOneOff } from '../attached-dyno.js';
import { buildCommand, parseEnvFlags, runFlags } from '../run-request.js';

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
    const size = ctx.string('size');
    const type = ctx.string('type');
    let started = false;
    const { dynoName, result } = await attachOneOff(ctx, app, command, {
      forceNoTty: ctx.bool('no-tty'),
      env: parseEnvFlags(ctx.strings('env')),
      ...(size !== undefined ? { size } : {}),
      ...(type !== undefined ? { type } : {}),
      onStarted: () => {
        started = true;
        ctx.io.stderr.write(`Running ${command} on ${app}... `);
      },
      onAttached: (name) => ctx.io.stderr.write(`up, ${name}\n`),
    }).catch((err: unknown) => {
      if (started) ctx.io.stderr.write('failed\n');
      throw err;
    });
    if (result.forcedDisconnect) throw new CliError('Disconnected from the dyno (four Ctrl-C within a second).', { hint: `It may still run: \`berth ps:stop ${dynoName} -a ${app}\`.` });
    if (result.exitCode === undefined) {
      throw new CliError(`${dynoName} ended without reporting an exit status (it was stopped, timed out, or the command called exit).`);
    }
    if (result.exitCode !== 0) ctx.note(`Process exited with code ${result.exitCode}`);
    return result.exitCode;
  },
};
