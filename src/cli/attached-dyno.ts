/**
 * Runs a command in a one-off dyno attached to this terminal, as `berth run` does: used by
 * `pg:psql` and `redis:cli`, whose clients then reach the add-on from inside the dyno network.
 */
import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';
import { attachRendezvous } from './rendezvous-client.js';
import { rendezvousCa, startOneOff, type OneOffBody } from './run-request.js';

type Terminal = { isTTY?: boolean; columns?: number; rows?: number };

/** Single-quotes `text` for the dyno's shell. */
export const shellQuote = (text: string): string => `'${text.replace(/'/g, `'\\''`)}'`;

export async function runAttached(ctx: CommandContext, app: string, command: string, options: { forceNoTty?: boolean } = {}): Promise<number> {
  const stdin = ctx.io.stdin;
  const stdout = ctx.io.stdout as typeof ctx.io.stdout & Terminal;
  const noTty = options.forceNoTty === true || stdin.isTTY !== true;
  const env: Record<string, string> = {};
  if (ctx.io.env.TERM) env.TERM = ctx.io.env.TERM;
  if (stdout.isTTY === true) {
    if (stdout.columns) env.COLUMNS = String(stdout.columns);
    if (stdout.rows) env.LINES = String(stdout.rows);
  }
  const body: OneOffBody = { command, attach: true, env };
  if (noTty) body.force_no_tty = true;
  const ca = await rendezvousCa(ctx.io.env);
  const dyno = await startOneOff(ctx.api, app, body);
  if (!dyno.attach_url) throw new CliError(`The API started ${dyno.name} but gave no attach_url to connect to.`);
  const result = await attachRendezvous({
    attachUrl: dyno.attach_url,
    ...(ca === undefined ? {} : { ca }),
    stdin,
    stdout,
    rawMode: !noTty,
    crlfToLf: stdout.isTTY !== true,
    onAttached: () => ctx.note(`--> Connected through ${dyno.name}`),
  });
  if (result.exitCode === undefined) throw new CliError(`${dyno.name} ended without reporting an exit status.`);
  return result.exitCode;
}
