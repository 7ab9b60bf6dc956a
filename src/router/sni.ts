import { createSecureContext, type SecureContext } from 'node:tls';
import { normalizeHost } from '../core/route-table.js';

export interface CertificatePair {
  cert: string;
  key: string;
}

/**
 * Finds (or mints) the certificate for a TLS server name; undefined → the default certificate.
 * It may be slow the first time (issuing from the local CA): results are cached.
 */
export type CertificateResolver = (servername: string) => Promise<CertificatePair | undefined> | CertificatePair | undefined;

export interface SniOptions {
  maxEntries?: number;
  ttlMs?: number;
  /** How long "no certificate for this name" is remembered. */
  negativeTtlMs?: number;
}

interface Entry {
  at: number;
  ctx: SecureContext | undefined;
  pending: Promise<SecureContext | undefined> | null;
}

export interface SniCallback {
  callback(servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void;
  /** Forgets one name (a certificate was added, replaced or removed) or all. */
  invalidate(servername?: string): void;
}

/** Node's SNICallback over a resolver, with a bounded cache and concurrent lookups coalesced. */
export function createSniCallback(resolve: CertificateResolver, options: SniOptions = {}): SniCallback {
  const maxEntries = options.maxEntries ?? 1000;
  const ttlMs = options.ttlMs ?? 10 * 60_000;
  const negativeTtlMs = options.negativeTtlMs ?? 30_000;
  const cache = new Map<string, Entry>();

  const lookup = (name: string): Promise<SecureContext | undefined> => {
    const entry: Entry = { at: Date.now(), ctx: undefined, pending: null };
    entry.pending = Promise.resolve()
      .then(() => resolve(name))
      .then((pair) => (pair ? createSecureContext({ cert: pair.cert, key: pair.key }) : undefined))
      .catch(() => undefined)
      .then((ctx) => {
        entry.ctx = ctx;
        entry.at = Date.now();
        entry.pending = null;
        return ctx;
      });
    cache.set(name, entry);
    if (cache.size > maxEntries) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    return entry.pending;
  };

  return {
    callback(servername, cb) {
      const name = normalizeHost(servername);
      if (name === undefined) return cb(null, undefined);
      const e = cache.get(name);
      if (e !== undefined) {
        if (e.pending !== null) {
          e.pending.then((ctx) => cb(null, ctx), () => cb(null, undefined));
          return;
        }
        if (Date.now() - e.at < (e.ctx ? ttlMs : negativeTtlMs)) return cb(null, e.ctx);
      }
      lookup(name).then((ctx) => cb(null, ctx), () => cb(null, undefined));
    },
    invalidate(servername) {
      if (servername === undefined) cache.clear();
      else {
        const name = normalizeHost(servername);
        if (name !== undefined) cache.delete(name);
      }
    },
  };
}
