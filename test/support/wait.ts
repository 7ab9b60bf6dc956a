// The one way a test waits: for a condition (polled) or for an event (listened to). Both fail
// with a message naming what never happened, so no test polls silently or sleeps a fixed time.

import type { EventEmitter } from 'node:events';

/**
 * Polls `probe` until it returns something other than undefined/false, at most `timeoutMs`,
 * and returns that value. The error names `what` and the last value (or error) seen.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 30_000,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last: ${describe(last)}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The arguments of the next `event` on `emitter`; fails after `timeoutMs` naming `what`. */
export function nextEvent<T extends unknown[] = unknown[]>(emitter: EventEmitter, event: string, what: string, timeoutMs = 30_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (event '${event}')`));
    }, timeoutMs);
    emitter.once(event, listener);
  });
}

function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === 'function') return 'a function';
  return JSON.stringify(value) ?? String(value);
}
