import { ApiError, ConnectionError } from './api-client.js';
import { CliError } from './cli-error.js';
import type { Colours } from './colour.js';
import type { CliIo } from './command.js';
import { describeConnectionFailure } from './connection-error.js';
import { hintFor } from './error-hints.js';

/** `Error: <message>` and a fix hint on stderr; returns the exit code (2 for usage errors, else 1). */
export function reportError(err: unknown, io: CliIo, c: Colours): number {
  const { message, hint, exitCode } = explain(err);
  io.stderr.write(`${c.red('Error:')} ${message}\n`);
  if (hint !== undefined) io.stderr.write(`${c.yellow(hint)}\n`);
  if (io.env.BERTH_DEBUG && err instanceof Error && !(err instanceof CliError)) io.stderr.write(`${err.stack ?? ''}\n`);
  return exitCode;
}

export function explain(err: unknown): { message: string; hint?: string; exitCode: number } {
  if (err instanceof ApiError) {
    const hint = hintFor(err.id, err.path);
    return hint === undefined ? { message: err.message, exitCode: 1 } : { message: err.message, hint, exitCode: 1 };
  }
  if (err instanceof ConnectionError) return { message: describeConnectionFailure(err.apiUrl, err.cause), exitCode: 1 };
  if (err instanceof CliError) {
    return err.hint === undefined ? { message: err.message, exitCode: err.exitCode } : { message: err.message, hint: err.hint, exitCode: err.exitCode };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { message, hint: 'Set BERTH_DEBUG=1 to see where it came from.', exitCode: 1 };
}
