/**
 * Automatic (ACME) certificates as the store keeps them: one row per hostname Berth manages a
 * certificate for (`<app>.<domain>` and custom domains), with its status, the certificate and
 * key once issued, and the retry schedule after failures.
 */

/**
 * Heroku's `acm_status` values Berth uses: `pending` (not issued yet, an attempt is due),
 * `ok` (a certificate serves), `failing` (the last attempt failed; retried with backoff),
 * `failed` (cannot be issued this way, e.g. a wildcard domain; not retried).
 */
export type AcmeStatus = 'pending' | 'ok' | 'failing' | 'failed';

export interface AcmeCertificate {
  hostname: string;
  appId: string;
  status: AcmeStatus;
  /** Why the last attempt failed or was skipped (shown as `acm_status_reason`); null when ok. */
  reason: string | null;
  /** PEM chain, leaf first; null until issued. Kept (and served) while a renewal fails. */
  certificate: string | null;
  /** PEM private key; a secret, never returned by the API. */
  privateKey: string | null;
  /** The certificate's notAfter (ISO). */
  expiresAt: string | null;
  /** Failed attempts in a row (the backoff exponent). */
  failures: number;
  /** When the next attempt is due (ISO); null: never (failed). */
  nextAttemptAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type AcmeCertificateState = Omit<AcmeCertificate, 'createdAt' | 'updatedAt'>;

export interface AcmeCertificateRepository {
  /** Every row (all apps), or the app's, by hostname. */
  list(appId?: string): Promise<AcmeCertificate[]>;
  find(hostname: string): Promise<AcmeCertificate | undefined>;
  /** Creates or replaces the hostname's row (a hostname moving to another app moves with it). not_found for a missing app. */
  save(state: AcmeCertificateState): Promise<AcmeCertificate>;
  /** Drops the hostname's row; false when there was none. */
  remove(hostname: string): Promise<boolean>;
}
