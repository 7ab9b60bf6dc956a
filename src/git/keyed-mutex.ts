/**
 * One holder per key at a time, waiters served in arrival order. A waiter whose signal aborts
 * leaves the queue (a push whose client went away stops waiting).
 */
export class KeyedMutex {
  private readonly queues = new Map<string, Array<() => void>>();

  isHeld(key: string): boolean {
    return this.queues.has(key);
  }

  /** Resolves with a release function once `key` is ours; rejects if `signal` aborts first. */
  acquire(key: string, signal: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        const queue = this.queues.get(key);
        queue?.shift();
        const next = queue?.[0];
        if (next) next();
        else this.queues.delete(key);
      };
      const grant = (): void => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) return release();
        resolve(release);
      };
      const onAbort = (): void => {
        const queue = this.queues.get(key);
        const at = queue?.indexOf(grant) ?? -1;
        if (queue && at > 0) queue.splice(at, 1); // at 0 it holds the lock: grant() releases it
        reject(signal.reason);
      };
      const queue = this.queues.get(key);
      if (queue) {
        queue.push(grant);
        signal.addEventListener('abort', onAbort, { once: true });
      } else {
        this.queues.set(key, [grant]);
        resolve(release);
      }
    });
  }
}
