/**
 * The timer port of the dyno lifecycle (supervisor sampling, the dyno manager's wake-ups): the
 * agent and the control plane pass the system's (unref'd, so they never keep a process alive),
 * unit tests a fake clock they advance by hand.
 */
export interface Timers {
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  after(ms: number, fn: () => void): () => void;
  /** Calls `fn` every `ms`; the returned function cancels it. */
  every(ms: number, fn: () => void): () => void;
}
