import type { ApiClient } from './api-client.js';
import type { Colours } from './colour.js';
import type { CredentialsFile } from './credentials-file.js';
import type { Git } from './git.js';

/** The streams, environment and directory the CLI runs with; tests pass captured ones. */
export interface CliIo {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** One flag in a command's table; turned into a `node:util` parseArgs option. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Placeholder shown in help for string flags, e.g. `NAME`. */
  value?: string;
  description: string;
  /** A string flag that may be given several times (`-e A=1 -e B=2`); read it with `ctx.strings`. */
  multiple?: boolean;
}

/** One positional argument; only the last may be optional or variadic. */
export interface ArgSpec {
  name: string;
  required: boolean;
  description: string;
  /** The last argument only: takes every remaining positional (`config:set A=1 B=2`). */
  variadic?: boolean;
  /** The only values it takes, offered by shell completion (`bash`, `zsh`). */
  choices?: readonly string[];
}

export type FlagValues = Readonly<Record<string, string | boolean | string[] | undefined>>;

export interface CommandContext {
  readonly command: Command;
  readonly args: readonly string[];
  readonly flags: FlagValues;
  readonly io: CliIo;
  /** Colours for stdout and stderr, plain unless the stream is a TTY and NO_COLOR is unset. */
  readonly colours: { out: Colours; err: Colours };
  /** The Berth API URL in use (BERTH_API_URL, saved login, or http://localhost:5000). */
  readonly apiUrl: string;
  readonly api: ApiClient;
  /** CAs for the CLI's https and rendezvous connections (see tls-trust.ts); undefined: Node's defaults. */
  readonly ca: string[] | undefined;
  readonly credentials: CredentialsFile;
  readonly git: Git;
  /** The whole command table (help topics, shell completion). */
  readonly commands: readonly Command[];
  /** The app this command acts on; only for commands with `needsApp`. */
  app(): string;
  string(flag: string): string | undefined;
  bool(flag: string): boolean;
  /** Every value of a `multiple` string flag, in order (empty when not given). */
  strings(flag: string): string[];
  /** Writes a line (or lines) to stdout. */
  print(text?: string): void;
  /** Writes a line to stderr: progress, warnings, hints. */
  note(text: string): void;
  /** Pretty JSON (2 spaces) on stdout: what `--json` prints. */
  printJson(value: unknown): void;
}

/** A CLI command as data: its help comes from these fields, its flags are parsed from `flags`. */
export interface Command {
  name: string;
  aliases?: string[];
  summary: string;
  /** Longer prose for `berth help CMD`. */
  description?: string;
  /** The synopsis after `berth `, e.g. `apps:create [NAME] [options]`. */
  usage: string;
  args?: ArgSpec[];
  flags: Record<string, FlagSpec>;
  examples: string[];
  /** Adds `-a/--app` and resolves the app (flag, BERTH_APP, `berth` git remote) before `run`. */
  needsApp?: boolean;
  /**
   * Words that are not exactly one of the command's flags are arguments, in order, and so is
   * everything after `--`: `berth run ls -la -a APP` runs `ls -la` on APP (run's rule).
   */
  passthrough?: boolean;
  /** Listed in help but run by `bin/berth` itself (`up`, `test`). */
  external?: boolean;
  run(ctx: CommandContext): Promise<number | void>;
}

export const jsonFlag: FlagSpec = { type: 'boolean', description: 'print the raw API response as JSON' };
export const appFlag: FlagSpec = { type: 'string', short: 'a', value: 'APP', description: 'app to act on (default: BERTH_APP, then the `berth` git remote)' };
export const helpFlag: FlagSpec = { type: 'boolean', short: 'h', description: 'show this help' };

/** Every flag a command accepts: its own table plus `--app` (when it needs an app) and `--help`. */
export function allFlags(command: Command): Record<string, FlagSpec> {
  return { ...command.flags, ...(command.needsApp ? { app: appFlag } : {}), help: helpFlag };
}
