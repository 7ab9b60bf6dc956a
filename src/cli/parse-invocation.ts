import { parseArgs } from 'node:util';
import { allFlags, type Command, type FlagSpec, type FlagValues } from './command.js';
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
  const options = Object.fromEntries(
    Object.entries(flags).map(([name, f]) => [
      name,
      { type: f.type, ...(f.short === undefined ? {} : { short: f.short }), ...(f.multiple ? { multiple: true } : {}) },
    ]),
  );
  const { flagArgs, passed } = command.passthrough ? splitPassthrough(rest, flags) : { flagArgs: rest, passed: [] };
  let parsed: { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: flagArgs, options, strict: true, allowPositionals: true }) as typeof parsed;
  } catch (err) {
    return { kind: 'usage', command, message: parseArgsMessage(err) };
  }
  if (parsed.values.help === true) return { kind: 'help', topic: command.name };
  const positionals = [...parsed.positionals, ...passed];
  const specs = command.args ?? [];
  const missing = specs.filter((s) => s.required).slice(positionals.length);
  if (missing[0]) return { kind: 'usage', command, message: `Missing argument ${missing[0].name}: ${missing[0].description}.` };
  const variadic = specs.at(-1)?.variadic === true;
  if (!variadic && positionals.length > specs.length) {
    const extra = positionals.slice(specs.length).map((p) => JSON.stringify(p)).join(' ');
    const expected = specs.length === 0 ? 'no arguments' : `at most ${specs.map((s) => s.name).join(' ')}`;
    return { kind: 'usage', command, message: `Unexpected argument ${extra}: ${command.name} takes ${expected}.` };
  }
  return { kind: 'run', command, args: positionals, flags: parsed.values };
}

/**
 * For passthrough commands (`run`): berth's own flags, spelt exactly (`-a APP`, `--size=S`,
 * not inside a group like `-la`), are taken from anywhere before `--`, as the official CLI
 * does; every other word, in order, is the command. After `--` everything is the command.
 */
function splitPassthrough(args: readonly string[], flags: Record<string, FlagSpec>): { flagArgs: string[]; passed: string[] } {
  const byName = new Map<string, FlagSpec>();
  for (const [name, spec] of Object.entries(flags)) {
    byName.set(`--${name}`, spec);
    if (spec.short !== undefined) byName.set(`-${spec.short}`, spec);
  }
  const flagArgs: string[] = [];
  const passed: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === '--') {
      passed.push(...args.slice(i + 1));
      break;
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const spec = byName.get(eq > 0 ? arg.slice(0, eq) : arg);
    if (!spec) {
      passed.push(arg);
      continue;
    }
    flagArgs.push(arg);
    if (spec.type === 'string' && eq < 0 && i + 1 < args.length) flagArgs.push(args[++i] as string);
  }
  return { flagArgs, passed };
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
