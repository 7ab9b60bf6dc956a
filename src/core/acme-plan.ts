/**
 * Automatic certificates (ACME), the pure part: which hostnames of an app get one, when a
 * certificate is renewed, and how long to wait after a failure. The certificate manager
 * (src/acme/certificate-manager.ts) applies it; the clock is the caller's.
 */

/** Let's Encrypt's production directory: the default ACME CA. */
export const LETS_ENCRYPT_DIRECTORY = 'https://acme-v02.api.letsencrypt.org/directory';

/** Renew a certificate this long before it expires (Let's Encrypt's advice; Heroku's ACM does too). */
export const RENEW_BEFORE_MS = 30 * 24 * 3_600_000;
/** The longest wait between attempts after failures. */
export const MAX_BACKOFF_MS = 24 * 3_600_000;
/** The first wait after a failure; doubled for each failure in a row, up to MAX_BACKOFF_MS. */
export const DEFAULT_RETRY_BASE_MS = 5 * 60_000;
/**
 * The app's ACM setting, stored as an app-feature row of this name (not in the feature catalogue):
 * ACM is on unless the row says off (`certs:auto:disable`).
 */
export const ACM_SETTING = 'acm';

/** A hostname of the app and what to do about its certificate. */
export type AcmeTarget =
  | { hostname: string; kind: 'issue' }
  /** HTTP-01 cannot prove a wildcard: an uploaded certificate (certs:add) is the way. */
  | { hostname: string; kind: 'unsupported'; reason: string };

/**
 * The hostnames Berth manages certificates for: `<app>.<domain>` (unless the platform domain is
 * `localhost` or an IP, which no public CA certifies) and every custom domain that has no
 * uploaded certificate (uploaded ones win). Wildcards are reported, never ordered.
 */
export function acmeTargets(appName: string, platformDomain: string, domains: ReadonlyArray<{ hostname: string; uploaded: boolean }>): AcmeTarget[] {
  const targets: AcmeTarget[] = [];
  if (isCertifiableName(platformDomain)) targets.push({ hostname: `${appName}.${platformDomain}`, kind: 'issue' });
  for (const domain of domains) {
    if (domain.uploaded) continue;
    if (domain.hostname.startsWith('*.')) {
      targets.push({ hostname: domain.hostname, kind: 'unsupported', reason: 'A wildcard domain needs a DNS-01 challenge, which Berth does not do; upload a certificate with berth certs:add' });
    } else targets.push({ hostname: domain.hostname, kind: 'issue' });
  }
  return targets;
}

/** A name a public CA could certify: has a dot, is not localhost, not an IP address. */
export function isCertifiableName(name: string): boolean {
  if (!name.includes('.') || name === 'localhost' || name.endsWith('.localhost')) return false;
  if (/^[\d.]+$/.test(name) || name.includes(':')) return false;
  return true;
}

/** When a certificate valid until `expiresAt` is renewed. */
export function renewalDue(expiresAt: Date): Date {
  return new Date(expiresAt.getTime() - RENEW_BEFORE_MS);
}

/** The wait after `failures` failed attempts in a row (1 → base, 2 → 2 × base, …, at most MAX_BACKOFF_MS). */
export function backoffMs(failures: number, baseMs: number = DEFAULT_RETRY_BASE_MS): number {
  const exponent = Math.min(Math.max(failures, 1) - 1, 30);
  return Math.min(baseMs * 2 ** exponent, MAX_BACKOFF_MS);
}
