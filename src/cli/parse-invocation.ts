import { parseArgs } from 'node:util';
import { allFlags, type Command, type FlagValues } from './command.js';
import { nearestName } from './suggest.js';

export type Invocation =
  | { kind: 'help'; topic?: string }
  | { kind: 'run'; command: Command; args: string[]; flags: FlagValues }
  | { kind: 'unknown'; name: string; suggestion?: string }
  | { kind: 'usage'; command?: Command; message: string };

export function findCommand(name: string, commands: readonly Command[]): Command | undefined {
  return commands.find((c) => c.name === name || (c.aliases ?? []).includes(name));
}

export function commandNames(commands: readonly Command[]): string[] {
  return commands.flatMap((c) => [c.name, ...(c.aliases ?? [])]);
}

/** argv (after `berth`) → what to do. Pure: no I/O, no environment. */
export function parseInvocation(argv: readonly string[], commands: readonly Command[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h') return { kind: 'help' };
  if (first === 'help') return rest[0] === undefined ? { kind: 'help' } : { kind: 'help', topic: rest[0] };
  if (first.startsWith('-')) {
    return { kind: 'usage', message: `${first} goes after the command name, as in \`berth apps:info ${first} ...\`.` };
  }
  const command = findCommand(first, commands);
  if (!command) {
    const suggestion = nearestName(first, commandNames(commands));
    return suggestion === undefined ? { kind: 'unknown', name: first } : { kind: 'unknown', name: first, suggestion };
  }
  if (command.external) {
    return rest.includes('--help') || rest.includes('-h') ? { kind: 'help', topic: command.name } : { kind: 'run', command, args: rest, flags: {} };
  }
  const flags = allFlags(command);
  let parsed: { values: Record<string, string | boolean | undefined>; positionals: string[] };
  try {
    const options = Object.fromEntries(
      Object.entries(flags).map(([name, f]) => [name, f.short === undefined ? { type: f.type } : { type: f.type, short: f.short }]),
    );
    parsed = parseArgs({ args: rest, options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (err) {
    return { kind: 'usage', command, message: parseArgsMessage(err) };
  }
  if (parsed.values.help === true) return { kind: 'help', topic: command.name };
  const specs = command.args ?? [];
  const missing = specs.filter((s) => s.required).slice(parsed.positionals.length);
  if (missing[0]) return { kind: 'usage', command, message: `Missing argument ${missing[0].name}: ${missing[0].description}.` };
  if (parsed.positionals.length > specs.length) {
    const extra = parsed.positionals.slice(specs.length).map((p) => JSON.stringify(p)).join(' ');
    const expected = specs.length === 0 ? 'no arguments' : `at most ${specs.map((s) => s.name).join(' ')}`;
    return { kind: 'usage', command, message: `Unexpected argument ${extra}: ${command.name} takes ${expected}.` };
  }
  return { kind: 'run', command, args: parsed.positionals, flags: parsed.values };
}

/** parseArgs messages are long and mention `args`; keep the useful first sentence. */
function parseArgsMessage(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const unknown = /Unknown option '([^']+)'/.exec(message);
  if (unknown) return `Unknown option ${unknown[1]}.`;
  const needsValue = /Option '([^']+?)(?: <value>)?' argument missing/.exec(message);
  if (needsValue) return `Option ${needsValue[1]} needs a value.`;
  const noValue = /Option '([^']+)' does not take an argument/.exec(message);
  if (noValue) return `Option ${noValue[1]} does not take a value.`;
  return message.split('\n')[0] ?? message;
}
