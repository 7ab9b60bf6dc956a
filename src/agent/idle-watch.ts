/**
 * IdleWatch: when an idling app (eco size or `ps:autoidle`) has gone `idleAfterMs` without a
 * request, it asks for the app's web dynos to be idled. Activity is what the agent sees anyway:
 * every router log line (one per request, written when it ends) and every web dyno coming up.
 * One timer for all apps, on the injected clock and timers, so tests use short values.
 */
import type { Timers } from '../core/timers.js';

export interface IdleWatchDeps {
  now(): number;
  timers: Timers;
  /** The app has been quiet for its idleAfterMs: idle its up web dynos. */
  idle(appId: string): void;
}

interface Watched {
  idleAfterMs: number;
  lastActivity: number;
}

/** Checks at most this often, and at least four times per shortest idle period. */
const MAX_CHECK_MS = 30_000;
const MIN_CHECK_MS = 25;

export class IdleWatch {
  private readonly apps = new Map<string, Watched>();
  private cancel: (() => void) | undefined;
  private checkEveryMs = 0;

  constructor(private readonly deps: IdleWatchDeps) {}

  /** Sets (or, with undefined, clears) the app's idle period; a new period starts counting now. */
  configure(appId: string, idleAfterMs: number | undefined): void {
    const watched = this.apps.get(appId);
    if (idleAfterMs === undefined || !(idleAfterMs > 0)) this.apps.delete(appId);
    else if (!watched) this.apps.set(appId, { idleAfterMs, lastActivity: this.deps.now() });
    else if (watched.idleAfterMs !== idleAfterMs) {
      watched.idleAfterMs = idleAfterMs;
      watched.lastActivity = this.deps.now();
    }
    this.schedule();
  }

  /** Keeps only these apps (a full routes push). */
  retain(appIds: Set<string>): void {
    for (const appId of [...this.apps.keys()]) if (!appIds.has(appId)) this.apps.delete(appId);
    this.schedule();
  }

  watches(appId: string): boolean {
    return this.apps.has(appId);
  }

  /** A request to the app ended, or one of its web dynos came up. */
  activity(appId: string): void {
    const watched = this.apps.get(appId);
    if (watched) watched.lastActivity = this.deps.now();
  }

  /** Asks to idle every app quiet for its period (then counts its next period from now). */
  check(): void {
    const now = this.deps.now();
    for (const [appId, watched] of this.apps) {
      if (now - watched.lastActivity < watched.idleAfterMs) continue;
      watched.lastActivity = now;
      this.deps.idle(appId);
    }
  }

  close(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.checkEveryMs = 0;
  }

  private schedule(): void {
    let shortest = Infinity;
    for (const watched of this.apps.values()) shortest = Math.min(shortest, watched.idleAfterMs);
    const every = shortest === Infinity ? 0 : Math.max(MIN_CHECK_MS, Math.min(MAX_CHECK_MS, Math.floor(shortest / 4)));
    if (every === this.checkEveryMs) return;
    this.close();
    if (every === 0) return;
    this.checkEveryMs = every;
    this.cancel = this.deps.timers.every(every, () => this.check());
  }
}
