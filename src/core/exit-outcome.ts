/**
 * What the end of a dyno means, as a pure function: the facts of its exit (or of a start that
 * failed) → its next state and the platform lines Heroku prints for it (`Process exited with
 * status 1`, `State changed from up to crashed`). The supervisor (src/agent) applies the outcome.
 */
import type { DynoState } from './dyno-host.js';
import { dynoError } from './platform-codes.js';

/** How a dyno ended: its process exited, or the sandbox never started. */
export type DynoEnd =
  | {
      kind: 'exited';
      code: number | null;
      oomKilled: boolean;
      /** The supervisor's memory sampling already logged R15 for every OOM kill in the dyno. */
      oomReported?: boolean;
      sandboxError?: string | undefined;
    }
  | { kind: 'start-failed'; error: string };

export interface ExitFacts {
  /** The state before the end. */
  state: DynoState;
  /** A stop was asked (scale down, replaced, ps:stop): the end is expected. */
  stopping: boolean;
  /** A one-off dyno (`run`): ending completes it rather than crashing it. */
  oneOff: boolean;
  end: DynoEnd;
  /** A crash reason noted before the exit, e.g. `R10` after a boot timeout. */
  lastError: string | null;
  /** Consecutive crashes of this index before this dyno started. */
  crashCount: number;
}

export type ExitOutcome =
  | { state: 'down'; lines: string[] }
  | { state: 'crashed'; lines: string[]; lastError: string; crashCount: number };

export function exitOutcome(facts: ExitFacts): ExitOutcome {
  const { end, state, stopping, oneOff } = facts;
  const lines: string[] = [];
  let code: number | null = null;
  let oomKilled = false;
  if (end.kind === 'start-failed') {
    lines.push(dynoError('R99', `the dyno could not be started: ${end.error}`));
    if (!oneOff) return crashed(facts, 'R99', lines);
  } else {
    code = end.code;
    oomKilled = end.oomKilled;
    if (oomKilled && !stopping) lines.push(...(end.oomReported ? [] : [dynoError('R15')]), 'Stopping process with SIGKILL');
    if (end.sandboxError) lines.push(dynoError('R99', end.sandboxError));
  }
  lines.push(`Process exited with status ${code ?? 'unknown'}`);
  if (oneOff && !stopping) return { state: 'down', lines: [...lines, `State changed from ${state} to complete`] };
  // A stopping dyno was up as far as its user is concerned.
  if (stopping) return { state: 'down', lines: [...lines, `State changed from ${state === 'stopping' ? 'up' : state} to down`] };
  return crashed(facts, oomKilled ? 'R15' : facts.lastError ?? `exit ${code ?? 'unknown'}`, lines);
}

function crashed(facts: ExitFacts, reason: string, lines: string[]): ExitOutcome {
  if (facts.state !== 'crashed') lines.push(`State changed from ${facts.state} to crashed`);
  return { state: 'crashed', lines, lastError: reason, crashCount: facts.crashCount + 1 };
}
