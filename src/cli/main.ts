import { coloursFor } from './colour.js';
import type { CliIo } from './command.js';
import { COMMANDS } from './commands/index.js';
import { buildContext } from './context.js';
import { commandHelp, generalHelp } from './help.js';
import { commandNames, findCommand, parseInvocation } from './parse-invocation.js';
import { reportError } from './report-error.js';
import { nearestName } from './suggest.js';

export type { CliIo } from './command.js';

/** The `berth` CLI: runs one command and returns its exit code (0 ok, 1 error, 2 usage error). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const out = coloursFor(io.stdout, io.env);
  const err = coloursFor(io.stderr, io.env);
  const invocation = parseInvocation(argv, COMMANDS);
  switch (invocation.kind) {
    case 'help': {
      if (invocation.topic === undefined) {
        io.stdout.write(generalHelp(COMMANDS, out));
        return 0;
      }
      const command = findCommand(invocation.topic, COMMANDS);
      if (command) {
        io.stdout.write(commandHelp(command, out));
        return 0;
      }
      return unknownCommand(io, err, invocation.topic, nearestName(invocation.topic, commandNames(COMMANDS)));
    }
    case 'unknown':
      return unknownCommand(io, err, invocation.name, invocation.suggestion);
    case 'usage': {
      const see = invocation.command ? `See \`berth ${invocation.command.name} --help\`.` : 'See `berth help`.';
      io.stderr.write(`${err.red('Error:')} ${invocation.message}\n${see}\n`);
      return 2;
    }
    case 'run': {
      try {
        const ctx = await buildContext(invocation.command, invocation.args, invocation.flags, io, COMMANDS);
        return (await invocation.command.run(ctx)) ?? 0;
      } catch (error) {
        return reportError(error, io, err);
      }
    }
  }
}

function unknownCommand(io: CliIo, c: ReturnType<typeof coloursFor>, name: string, suggestion: string | undefined): number {
  io.stderr.write(`${c.red('Error:')} ${JSON.stringify(name)} is not a berth command.\n`);
  if (suggestion !== undefined) io.stderr.write(`Did you mean ${c.bold(`berth ${suggestion}`)}?\n`);
  io.stderr.write('Run `berth help` for the list of commands.\n');
  return 2;
}
