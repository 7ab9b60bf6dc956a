// The ACME client side: the account (its key kept in the store) and one certificate order per hostname.
import { createHash } from 'node:crypto';
import { get as httpGet } from 'node:http';
import { Agent, get as httpsGet } from 'node:https';
import * as acme from 'acme-client';
import type { Store } from '../store/port.js';

export { LETS_ENCRYPT_DIRECTORY } from '../core/acme-plan.js';

export interface IssuedCertificate {
  /** PEM chain, leaf first. */
  certificate: string;
  privateKey: string;
  expiresAt: Date;
}

/** Where the router serves an HTTP-01 answer while the CA validates. */
export interface ChallengeResponder {
  publish(token: string, keyAuthorization: string): Promise<void>;
  withdraw(token: string): Promise<void>;
}

export interface AcmeIssuerOptions {
  directoryUrl: string;
  /** Contact address of the ACME account (optional for Let's Encrypt). */
  email?: string;
  /**
   * Extra CA certificates (PEM) trusted for the ACME directory's own TLS only (pebble's test
   * certificate); nothing else in the process trusts them.
   */
  directoryCa?: string;
}

/**
 * Orders certificates from one ACME directory with acme-client (RFC 8555): the account is made
 * once, its key stored as a platform setting named after the directory URL, so it survives
 * restarts and backups; each order proves one hostname with HTTP-01 through the router.
 */
export class AcmeIssuer {
  private client: Promise<acme.Client> | undefined;

  constructor(private readonly store: Store, private readonly options: AcmeIssuerOptions) {
    // acme-client's HTTP client is its own axios instance: trusting the directory's CA there
    // touches no other connection of this process.
    if (options.directoryCa) acme.axios.defaults.httpsAgent = new Agent({ ca: options.directoryCa });
    // No waiting inside a request (acme-client would sleep through Retry-After, up to hours, and
    // retry an unreachable server for over a minute): the certificate manager backs off per hostname.
    (acme.axios.defaults as { acmeSettings?: { retryMaxAttempts: number } }).acmeSettings!.retryMaxAttempts = 0;
    acme.axios.defaults.timeout = 30_000;
  }

  async issue(hostname: string, responder: ChallengeResponder): Promise<IssuedCertificate> {
    try {
      return await this.order(hostname, responder);
    } catch (err) {
      // acme-client loses the reason of a failed connection (its retry interceptor then reads a
      // response that is not there): ask the directory ourselves to say why.
      const unreachable = await this.unreachable();
      if (unreachable) throw Object.assign(new Error(`the ACME server ${this.options.directoryUrl} could not be reached (${unreachable})`), { code: unreachable });
      throw err;
    }
  }

  /** The error code of a GET of the directory (ECONNREFUSED, ETIMEDOUT…), or undefined when it answers. */
  private unreachable(): Promise<string | undefined> {
    const url = new URL(this.options.directoryUrl);
    const get = url.protocol === 'https:' ? httpsGet : httpGet;
    return new Promise((resolve) => {
      const req = get(url, { agent: false, timeout: 10_000, ...(this.options.directoryCa ? { ca: this.options.directoryCa } : {}) }, (res) => {
        res.resume();
        resolve(undefined);
      });
      req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'EUNKNOWN'));
    });
  }

  private async order(hostname: string, responder: ChallengeResponder): Promise<IssuedCertificate> {
    const client = await this.account();
    const [privateKey, csr] = await acme.crypto.createCsr({ commonName: hostname, altNames: [hostname] }, await acme.crypto.createPrivateEcdsaKey());
    const certificate = await client.auto({
      csr,
      termsOfServiceAgreed: true,
      ...(this.options.email ? { email: this.options.email } : {}),
      challengePriority: ['http-01'],
      // The certificate manager checked reachability through the router before ordering.
      skipChallengeVerification: true,
      challengeCreateFn: async (_authz, challenge, keyAuthorization) => {
        if (challenge.type !== 'http-01') throw new Error(`the CA offered ${challenge.type}, Berth answers http-01 only`);
        await responder.publish(challenge.token, keyAuthorization);
      },
      challengeRemoveFn: async (_authz, challenge) => {
        await responder.withdraw(challenge.token);
      },
    });
    const info = acme.crypto.readCertificateInfo(certificate);
    return { certificate, privateKey: privateKey.toString(), expiresAt: info.notAfter };
  }

  /** The ACME account: the stored key and URL, or a new account registered now. */
  private account(): Promise<acme.Client> {
    this.client ??= this.loadAccount().catch((err: unknown) => {
      this.client = undefined;
      throw err;
    });
    return this.client;
  }

  private async loadAccount(): Promise<acme.Client> {
    const setting = `acme.account.${createHash('sha256').update(this.options.directoryUrl).digest('hex').slice(0, 16)}`;
    const saved = await this.store.platformSettings.get(setting);
    const stored = saved ? (JSON.parse(saved) as { key: string; url: string }) : undefined;
    const accountKey = stored?.key ?? (await acme.crypto.createPrivateEcdsaKey()).toString();
    // Status polls (challenge, order) start at 500 ms and back off to 10 s: validation usually takes
    // well under a second, and acme-client's 5 s first wait would dominate issuance.
    const client = new acme.Client({ directoryUrl: this.options.directoryUrl, accountKey, ...(stored?.url ? { accountUrl: stored.url } : {}), backoffAttempts: 10, backoffMin: 500, backoffMax: 10_000 });
    if (!stored) {
      await client.createAccount({ termsOfServiceAgreed: true, ...(this.options.email ? { contact: [`mailto:${this.options.email}`] } : {}) });
      await this.store.platformSettings.set(setting, JSON.stringify({ key: accountKey, url: client.getAccountUrl(), directory: this.options.directoryUrl }));
    }
    return client;
  }
}
