/** Microseconds since the Unix epoch. Injected everywhere so tests can pin time. */
export type MicroClock = () => number;

/**
 * The wall clock with microsecond resolution: Date.now() for the milliseconds (so it follows NTP)
 * and the monotonic clock for the digits below; never goes backwards within this process.
 */
export function systemMicroClock(): MicroClock {
  let last = 0;
  return () => {
    const fraction = Math.floor((performance.now() % 1) * 1000);
    const now = Date.now() * 1000 + fraction;
    last = now > last ? now : last;
    return last;
  };
}
