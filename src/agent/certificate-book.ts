import { normalizeHost } from '../core/route-table.js';
import type { CertificatePair } from '../router/sni.js';

/** One uploaded certificate (an SNI endpoint) and the custom domains it serves. */
export interface CertificateEntry {
  /** Exact (`www.example.com`) or wildcard (`*.example.com`) hostnames, lower case. */
  hostnames: string[];
  /** PEM chain, leaf first. */
  cert: string;
  /** PEM private key. Never logged. */
  key: string;
}

/** Bounds on what one app may hand the agent. */
const MAX_ENTRIES_PER_APP = 1000;
const MAX_HOSTNAMES_PER_APP = 2000;
const MAX_PEM_CHARS = 200_000;

/**
 * The agent's table of uploaded certificates: which pair a TLS server name gets. Exact hostnames
 * win over wildcards; a wildcard `*.example.com` answers for one more label only
 * (`www.example.com`, not `a.b.example.com`), as a certificate wildcard does. Entries are
 * replaced per app, so an app's update never touches another app's certificates.
 */
export class CertificateBook {
  private readonly byApp = new Map<string, CertificateEntry[]>();
  private exact = new Map<string, CertificatePair>();
  private wildcard = new Map<string, CertificatePair>();

  /** Replaces the app's certificates (none: forgets them); returns the hostnames whose answer changed. */
  set(appId: string, entries: readonly CertificateEntry[]): string[] {
    const checked = checkEntries(entries);
    const before = this.pairsOf(appId);
    if (checked.length === 0) this.byApp.delete(appId);
    else this.byApp.set(appId, checked);
    this.reindex();
    return changedNames(before, this.pairsOf(appId));
  }

  /** Replaces every app's certificates (the control plane's full view); returns the hostnames whose answer changed. */
  reset(apps: ReadonlyArray<{ appId: string; certs: readonly CertificateEntry[] }>): string[] {
    const checked = apps.map((app) => ({ appId: app.appId, certs: checkEntries(app.certs) }));
    const before = this.allPairs();
    this.byApp.clear();
    for (const app of checked) if (app.certs.length > 0) this.byApp.set(app.appId, app.certs);
    this.reindex();
    return changedNames(before, this.allPairs());
  }

  /** Forgets the app's certificates; returns the hostnames they served. */
  remove(appId: string): string[] {
    return this.set(appId, []);
  }

  /** The pair for a TLS server name, or undefined (then the caller falls back to its own). */
  find(servername: string): CertificatePair | undefined {
    const host = normalizeHost(servername);
    if (host === undefined) return undefined;
    const exact = this.exact.get(host);
    if (exact) return exact;
    const dot = host.indexOf('.');
    return dot > 0 ? this.wildcard.get(host.slice(dot + 1)) : undefined;
  }

  /** How many hostnames have a certificate (for `hello` and tests). */
  get size(): number {
    return this.exact.size + this.wildcard.size;
  }

  /** hostname → the cert and key it gets from this app, as one comparable string. */
  private pairsOf(appId: string, into = new Map<string, string>()): Map<string, string> {
    for (const entry of this.byApp.get(appId) ?? []) for (const hostname of entry.hostnames) into.set(hostname, `${entry.cert}\0${entry.key}`);
    return into;
  }

  private allPairs(): Map<string, string> {
    const all = new Map<string, string>();
    for (const appId of this.byApp.keys()) this.pairsOf(appId, all);
    return all;
  }

  private reindex(): void {
    const exact = new Map<string, CertificatePair>();
    const wildcard = new Map<string, CertificatePair>();
    for (const entries of this.byApp.values()) {
      for (const entry of entries) {
        const pair = { cert: entry.cert, key: entry.key };
        for (const hostname of entry.hostnames) {
          if (hostname.startsWith('*.')) wildcard.set(hostname.slice(2), pair);
          else exact.set(hostname, pair);
        }
      }
    }
    this.exact = exact;
    this.wildcard = wildcard;
  }
}

/** Hostnames added, removed, or given another certificate. */
function changedNames(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed: string[] = [];
  for (const [name, pair] of before) if (after.get(name) !== pair) changed.push(name);
  for (const name of after.keys()) if (!before.has(name)) changed.push(name);
  return changed;
}

/** Validates entries from the socket; the message never quotes a certificate or key. */
function checkEntries(entries: unknown): CertificateEntry[] {
  if (!Array.isArray(entries)) throw new TypeError('certs must be an array of {hostnames, cert, key}');
  if (entries.length > MAX_ENTRIES_PER_APP) throw new TypeError(`at most ${MAX_ENTRIES_PER_APP} certificates per app`);
  let hostnames = 0;
  return entries.map((raw: unknown, i) => {
    const entry = raw as Partial<CertificateEntry> | null;
    if (typeof entry !== 'object' || entry === null) throw new TypeError(`certs[${i}] must be an object`);
    if (typeof entry.cert !== 'string' || typeof entry.key !== 'string' || entry.cert.length > MAX_PEM_CHARS || entry.key.length > MAX_PEM_CHARS) {
      throw new TypeError(`certs[${i}] needs a PEM cert and key of at most ${MAX_PEM_CHARS} characters`);
    }
    if (!Array.isArray(entry.hostnames)) throw new TypeError(`certs[${i}].hostnames must be an array`);
    const names = entry.hostnames.map((name: unknown) => {
      const wild = typeof name === 'string' && name.startsWith('*.');
      const host = typeof name === 'string' ? normalizeHost(wild ? name.slice(2) : name) : undefined;
      if (host === undefined) throw new TypeError(`certs[${i}].hostnames has an invalid hostname ${JSON.stringify(String(name).slice(0, 300))}`);
      return wild ? `*.${host}` : host;
    });
    hostnames += names.length;
    if (hostnames > MAX_HOSTNAMES_PER_APP) throw new TypeError(`at most ${MAX_HOSTNAMES_PER_APP} hostnames with certificates per app`);
    return { hostnames: names, cert: entry.cert, key: entry.key };
  });
}
