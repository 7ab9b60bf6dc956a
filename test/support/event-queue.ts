/**
 * Named events for unit tests of loops (flynn's scheduler tests wait the same way): the code under
 * test reports what it did, the test waits for the next event that matches, in order, and fails
 * with what it saw instead when none comes.
 */
export class EventQueue<T> {
  readonly seen: T[] = [];
  #cursor = 0;
  #wake: (() => void) | undefined;

  constructor(private readonly describe: (event: T) => string = (e) => JSON.stringify(e)) {}

  readonly push = (event: T): void => {
    this.seen.push(event);
    this.#wake?.();
  };

  /**
   * The next event (after those already taken) that `match`es; the ones before it are skipped.
   * Rejects, listing the events seen, when none arrives within `limitMs` of real time.
   */
  async next(what: string, match: (event: T) => boolean, limitMs = 10_000): Promise<T> {
    const deadline = Date.now() + limitMs;
    for (;;) {
      while (this.#cursor < this.seen.length) {
        const event = this.seen[this.#cursor++] as T;
        if (match(event)) return event;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`No ${what} event; saw:\n  ${this.seen.map(this.describe).join('\n  ') || '(nothing)'}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#wake = undefined;
    }
  }

  /** True when an event matching `match` is among those not taken yet (does not wait). */
  has(match: (event: T) => boolean): boolean {
    return this.seen.slice(this.#cursor).some(match);
  }
}
