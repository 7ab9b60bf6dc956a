// The certificate manager: keeps an ACME certificate on every hostname of every app that wants one.
import { acmeTargets, ACM_SETTING, backoffMs, DEFAULT_RETRY_BASE_MS, renewalDue, type AcmeTarget } from '../core/acme-plan.js';
import type { App } from '../core/model.js';
import type { AcmeCertificate, Store } from '../store/port.js';
import type { ChallengeResponder, IssuedCertificate } from './acme-issuer.js';
import type { ChallengeBoard } from './challenge-board.js';
import type { ProbeBoard, Reachability } from './reachability-check.js';

export interface CertificateManagerDeps {
  store: Store;
  issuer: { issue(hostname: string, responder: ChallengeResponder): Promise<IssuedCertificate> };
  reachability: { check(hostname: string, board: ProbeBoard): Promise<Reachability> };
  board: ChallengeBoard;
  /** Apps answer at `<app>.<platformDomain>`. */
  platformDomain: string;
  /** The app's automatic certificates changed: push its routes and certificates to the agent. */
  certificatesChanged(appId: string): Promise<void>;
  log(fields: Record<string, unknown>): void;
  now(): Date;
  /** The first wait after a failure (doubling per failure; default 5 minutes). */
  retryBaseMs?: number;
}

/** Is ACM on for the app? On unless `certs:auto:disable` turned it off. */
export async function acmEnabled(store: Store, appId: string): Promise<boolean> {
  return (await store.appFeatures.find(appId, ACM_SETTING))?.enabled ?? true;
}

/**
 * One reconcile pass at a time over every app: rows for hostnames that no longer want a
 * certificate go, new hostnames get a `pending` row, and each row whose attempt is due is tried
 * on its own — reachability first (a domain whose DNS does not lead here is skipped with its
 * reason, no order placed), then the order. A failure only moves that hostname's next attempt
 * (backoff doubling from retryBaseMs up to a day); the certificate it had keeps serving. Issued
 * certificates are renewed 30 days before they expire.
 */
export class CertificateManager {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = false;

  constructor(private readonly deps: CertificateManagerDeps) {}

  /** Passes every `intervalMs`, and one now. */
  start(intervalMs: number): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** A pass soon (an app, its domains or its ACM setting changed); one at a time. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.pass()
      .catch((err: unknown) => this.deps.log({ at: 'warn', msg: 'ACME pass failed', error: err instanceof Error ? err.message : String(err) }))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Resolves when no pass is running (tests and shutdown). */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  private async pass(): Promise<void> {
    const { store } = this.deps;
    let page = await store.apps.list({}, { field: 'id', startExclusive: false, max: 1000, order: 'asc' });
    for (;;) {
      for (const app of page.items) {
        if (this.stopped) return;
        await this.reconcileApp(app);
      }
      if (page.nextAfter === undefined) return;
      page = await store.apps.list({}, { field: 'id', start: page.nextAfter, startExclusive: true, max: 1000, order: 'asc' });
    }
  }

  private async reconcileApp(app: App): Promise<void> {
    const { store } = this.deps;
    const [enabled, domains, rows] = await Promise.all([acmEnabled(store, app.id), store.domains.list(app.id), store.acmeCertificates.list(app.id)]);
    const targets = enabled ? acmeTargets(app.name, this.deps.platformDomain, domains.map((d) => ({ hostname: d.hostname, uploaded: d.sniEndpointId !== null }))) : [];
    const wanted = new Set(targets.map((t) => t.hostname));
    let changed = false;
    for (const row of rows) {
      if (wanted.has(row.hostname)) continue;
      await store.acmeCertificates.remove(row.hostname);
      if (row.certificate !== null) changed = true;
    }
    for (const target of targets) {
      const row = rows.find((r) => r.hostname === target.hostname) ?? (await store.acmeCertificates.find(target.hostname));
      if (await this.reconcileHostname(app, target, row?.appId === app.id ? row : undefined)) changed = true;
    }
    if (changed) await this.deps.certificatesChanged(app.id);
  }

  /** Brings one hostname's row forward; true when the certificate it serves changed. */
  private async reconcileHostname(app: App, target: AcmeTarget, row: AcmeCertificate | undefined): Promise<boolean> {
    const { store } = this.deps;
    const now = this.deps.now();
    if (target.kind === 'unsupported') {
      if (row?.status !== 'failed' || row.reason !== target.reason) {
        await store.acmeCertificates.save({ hostname: target.hostname, appId: app.id, status: 'failed', reason: target.reason, certificate: null, privateKey: null, expiresAt: null, failures: 0, nextAttemptAt: null });
      }
      return false;
    }
    if (!row) {
      row = await store.acmeCertificates.save({ hostname: target.hostname, appId: app.id, status: 'pending', reason: null, certificate: null, privateKey: null, expiresAt: null, failures: 0, nextAttemptAt: now.toISOString() });
    }
    if (row.nextAttemptAt === null || new Date(row.nextAttemptAt) > now) return false;
    return this.attempt(app, row);
  }

  private async attempt(app: App, row: AcmeCertificate): Promise<boolean> {
    const { board } = this.deps;
    const probe: ProbeBoard = { set: (token, answer) => board.set(app.id, token, answer), remove: (token) => board.remove(app.id, token) };
    const reach = await this.deps.reachability.check(row.hostname, probe);
    if (!reach.ok) return this.failed(row, `skipped: ${reach.reason}`);
    let issued: IssuedCertificate;
    const started = Date.now();
    try {
      issued = await this.deps.issuer.issue(row.hostname, { publish: probe.set, withdraw: probe.remove });
    } catch (err) {
      return this.failed(row, orderFailure(err));
    }
    await this.deps.store.acmeCertificates.save({
      ...row, status: 'ok', reason: null, certificate: issued.certificate, privateKey: issued.privateKey, expiresAt: issued.expiresAt.toISOString(), failures: 0,
      nextAttemptAt: renewalDue(issued.expiresAt).toISOString(),
    });
    this.deps.log({ at: 'info', msg: `ACME: issued a certificate for ${row.hostname}`, app: app.name, expires_at: issued.expiresAt.toISOString(), ms: Date.now() - started });
    return true;
  }

  private async failed(row: AcmeCertificate, reason: string): Promise<false> {
    const failures = row.failures + 1;
    const next = new Date(this.deps.now().getTime() + backoffMs(failures, this.deps.retryBaseMs ?? DEFAULT_RETRY_BASE_MS));
    const serving = row.certificate !== null && row.expiresAt !== null ? `; the certificate valid until ${row.expiresAt} keeps serving` : '';
    await this.deps.store.acmeCertificates.save({ ...row, status: 'failing', reason: `${reason}${serving}`, failures, nextAttemptAt: next.toISOString() });
    this.deps.log({ at: 'warn', msg: `ACME: ${row.hostname}: ${reason}${serving}; next attempt at ${next.toISOString()}` });
    return false;
  }
}

/** What a failed order says: the CA's problem detail (rate limits included) or why it could not be reached. */
function orderFailure(err: unknown): string {
  const e = err as { code?: string; message?: string; response?: { status?: number; data?: { type?: string; detail?: string } } };
  const problem = e.response?.data;
  if (problem?.type?.endsWith(':rateLimited')) return `the ACME server is rate limiting: ${problem.detail ?? 'try later'}`;
  if (problem?.detail) return `the ACME server refused the order: ${problem.detail}`;
  if (e.code && /^E[A-Z]+$/.test(e.code)) return `the ACME server could not be reached (${e.code})`;
  if (e.message && /rate.?limit|too many/i.test(e.message)) return `the ACME server is rate limiting: ${e.message}`;
  return `the certificate order failed: ${e.message ?? String(err)}`;
}
