import { routeDecision, type AppRoute, type RouteDecision } from '../core/route-table.js';
import type { Backend } from './backend-pool.js';
import type { RouterOptions } from './router-options.js';

/** The exchange as the dispatcher sees it. */
export interface Waiter {
  /** Dynos already tried for this request (never picked again). */
  readonly tried: readonly Backend[] | null;
  /** Queued: for a booting dyno (`boot`, H20 after the boot timeout) or a free slot (`busy`, H12). */
  waitFor(kind: 'boot' | 'busy'): void;
  assign(backend: Backend): void;
  fail(code: 'H10' | 'H11' | 'H14' | 'H20' | 'H80'): void;
  /** Every dyno was tried (connect failures) or none is left. */
  noDynoLeft(): void;
}

/**
 * Checkout for one app: power-of-two-choices on in-flight count among its up dynos (two random
 * dynos, the less busy one wins; ties and single-dyno apps are trivial). A dyno at
 * maxInFlightPerDyno is full; quarantined dynos are skipped unless nothing else is left; dynos
 * already tried for this request are never picked again. When every dyno is full the request
 * waits in a FIFO backlog (H11 beyond backlogPerDyno × dynos); while only starting dynos exist it
 * waits for one to come up (H20 on timeout, enforced by the sweep). A request for an idled app
 * asks for a wake (once per idle spell) and waits the same way; a wake that fails (the route's
 * `wakeFailures` grows) fails those waiting with H20, and the next request asks again.
 */
export class AppDispatcher {
  ups: Backend[] = [];
  decision: RouteDecision;
  readonly waiters: Waiter[] = [];

  /** A wake was asked since the app last idled (or its last wake failed). */
  #wakeAsked = false;

  constructor(
    public route: AppRoute,
    private readonly options: RouterOptions,
    private readonly clock: () => number,
    private readonly onWake: (app: string) => void = () => undefined,
  ) {
    this.decision = routeDecision(route);
  }

  update(route: AppRoute, ups: Backend[]): void {
    const wakeFailed = (route.wakeFailures ?? 0) !== (this.route.wakeFailures ?? 0);
    this.route = route;
    this.ups = ups;
    this.decision = routeDecision(route);
    if (this.decision.kind !== 'wake') this.#wakeAsked = false;
    if (wakeFailed) {
      this.#wakeAsked = false;
      if (this.decision.kind === 'wake') for (const w of this.waiters.splice(0)) w.fail('H20');
    }
  }

  /** A new request: route it, queue it, or fail it. */
  admit(w: Waiter): void {
    const d = this.decision;
    if (d.kind === 'error') return w.fail(d.code);
    if (d.kind === 'wait') return this.#enqueue(w, 'boot');
    if (d.kind === 'wake') {
      this.#enqueue(w, 'boot');
      if (!this.#wakeAsked) {
        this.#wakeAsked = true;
        this.onWake(this.route.app);
      }
      return;
    }
    const b = this.pick(null);
    if (b === 'busy' || b === null) return this.#enqueue(w, 'busy');
    w.assign(b);
  }

  /** After a failed connect: another dyno, or undefined when none is left to try. */
  retry(w: Waiter): boolean {
    const b = this.pick(w.tried);
    if (b === null) return false;
    if (b === 'busy') this.#enqueue(w, 'busy');
    else w.assign(b);
    return true;
  }

  pick(tried: readonly Backend[] | null): Backend | 'busy' | null {
    const ups = this.ups;
    const n = ups.length;
    const max = this.options.maxInFlightPerDyno;
    const now = this.clock();
    if (n === 1) {
      const b = ups[0] as Backend;
      if (tried !== null && tried.includes(b)) return null;
      return b.inFlight < max ? b : 'busy';
    }
    if (n === 0) return null;
    const i = (Math.random() * n) | 0;
    const a = ups[i] as Backend;
    const c = ups[(i + 1 + ((Math.random() * (n - 1)) | 0)) % n] as Backend;
    const okA = a.inFlight < max && a.quarantinedUntil <= now && (tried === null || !tried.includes(a));
    const okC = c.inFlight < max && c.quarantinedUntil <= now && (tried === null || !tried.includes(c));
    if (okA && okC) return a.inFlight <= c.inFlight ? a : c;
    if (okA) return a;
    if (okC) return c;
    // Slow path: least busy untried dyno, preferring ones not in quarantine.
    let best: Backend | null = null;
    let bestScore = Infinity;
    let full = false;
    for (const b of ups) {
      if (tried !== null && tried.includes(b)) continue;
      if (b.inFlight >= max) {
        full = true;
        continue;
      }
      const score = b.inFlight + (b.quarantinedUntil > now ? max : 0);
      if (score < bestScore) {
        best = b;
        bestScore = score;
      }
    }
    return best ?? (full ? 'busy' : null);
  }

  /** Hands freed capacity (or a new decision) to waiting requests, oldest first. */
  drain(): void {
    while (this.waiters.length > 0) {
      const d = this.decision;
      if (d.kind === 'error') {
        for (const w of this.waiters.splice(0)) w.fail(d.code);
        return;
      }
      if (d.kind === 'wait' || d.kind === 'wake') return;
      const w = this.waiters[0] as Waiter;
      const b = this.pick(w.tried);
      if (b === 'busy') return;
      this.waiters.shift();
      if (b === null) w.noDynoLeft();
      else w.assign(b);
    }
  }

  remove(w: Waiter): void {
    const i = this.waiters.indexOf(w);
    if (i !== -1) this.waiters.splice(i, 1);
  }

  #enqueue(w: Waiter, kind: 'boot' | 'busy'): void {
    if (kind === 'busy' && this.waiters.length >= this.options.backlogPerDyno * Math.max(1, this.ups.length)) return w.fail('H11');
    w.waitFor(kind);
    this.waiters.push(w);
  }
}
