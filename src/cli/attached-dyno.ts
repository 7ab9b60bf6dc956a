/**
 * Runs a command in a one-off dyno attached to this terminal: `berth run`, and `pg:psql` and
 * `redis:cli`, whose clients then reach the add-on from inside the dyno network. The terminal's
 * TERM and size go to the dyno; without a terminal on stdin (or with `forceNoTty`) it gets none.
 */
import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';
import { attachRendezvous, type AttachResult } from './rendezvous-client.js';
import { startOneOff, type OneOffBody } from './run-request.js';

type Terminal = { isTTY?: boolean; columns?: number; rows?: number };

/** Single-quotes `text` for the dyno's shell. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export interface AttachOptions {
  forceNoTty?: boolean;
  /** Extra environment (`-e KEY=VALUE`). */
  env?: Record<string, string>;
  size?: string;
  type?: string;
  /** The dyno exists; the connection to it is being made. */
  onStarted?(dynoName: string): void;
  onAttached?(dynoName: string): void;
}

/** Starts the one-off dyno and relays the terminal until it ends; the result has its exit status. */
export async function attachOneOff(ctx: CommandContext, app: string, command: string, options: AttachOptions = {}): Promise<{ dynoName: string; result: AttachResult }> {
  const stdin = ctx.io.stdin;
  const stdout = ctx.io.stdout as typeof ctx.io.stdout & Terminal;
  const noTty = options.forceNoTty === true || stdin.isTTY !== true;
  const env: Record<string, string> = { ...options.env };
  if (ctx.io.env.TERM) env.TERM = ctx.io.env.TERM;
  if (stdout.isTTY === true) {
    if (stdout.columns) env.COLUMNS = String(stdout.columns);
    if (stdout.rows) env.LINES = String(stdout.rows);
  }
  const body: OneOffBody = { command, attach: true, env };
  if (noTty) body.force_no_tty = true;
  if (options.size !== undefined) body.size = options.size;
  if (options.type !== undefined) body.type = options.type;
  const ca = ctx.ca;
  const dyno = await startOneOff(ctx.api, app, body);
  if (!dyno.attach_url) throw new CliError(`The API started ${dyno.name} but gave no attach_url to connect to.`, { hint: `See its output with \`berth logs -d ${dyno.name} -a ${app}\`.` });
  options.onStarted?.(dyno.name);
  const result = await attachRendezvous({
    attachUrl: dyno.attach_url,
    ...(ca === undefined ? {} : { ca }),
    stdin,
    stdout,
    rawMode: !noTty,
    crlfToLf: stdout.isTTY !== true,
    onAttached: () => options.onAttached?.(dyno.name),
  });
  return { dynoName: dyno.name, result };
}

/** `attachOneOff` for commands that only need the exit status (pg:psql, redis:cli). */
export async function runAttached(ctx: CommandContext, app: string, command: string, options: { forceNoTty?: boolean } = {}): Promise<number> {
  const { dynoName, result } = await attachOneOff(ctx, app, command, { ...options, onAttached: (name) => ctx.note(`--> Connected through ${name}`) });
  if (result.exitCode === undefined) throw new CliError(`${dynoName} ended without reporting an exit status.`);
  return result.exitCode;
}
