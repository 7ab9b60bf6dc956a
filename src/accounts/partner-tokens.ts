/**
 * OAuth for add-on providers, the way Heroku's Platform API does it for partners: every
 * provision request carries a one-time `oauth_grant` code; the provider exchanges it (with its
 * client secret, the manifest's password) for an access token and a refresh token that are good
 * for that one add-on only, and calls back with `Authorization: Bearer <access token>`. Only
 * SHA-256 hashes are stored; the tokens die with the add-on or the provider.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PlatformError } from '../core/errors.js';
import type { Store } from '../store/port.js';
import { hashApiKey } from './api-keys.js';

/** A grant is exchanged at once (Heroku: minutes). */
export const PARTNER_GRANT_SECONDS = 300;
/** Access tokens live 8 hours, as Heroku's do; the refresh token gets a new one. */
export const PARTNER_ACCESS_SECONDS = 8 * 3600;

export interface PartnerTokenGrant {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  addonId: string;
  providerId: string;
}

export interface TokenRequest {
  grantType: string;
  code?: string;
  refreshToken?: string;
  clientSecret?: string;
}

const newToken = (prefix: string) => `${prefix}${randomBytes(32).toString('base64url')}`;

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

const refused = (why: string) => new PlatformError('unauthorized', `Invalid credentials provided: ${why}.`);

export class PartnerTokens {
  constructor(private readonly store: Store, private readonly now: () => Date) {}

  private at(seconds: number): string {
    return new Date(this.now().getTime() + seconds * 1000).toISOString();
  }

  /**
   * The secrets of a provision request for `addonId`: its `oauth_grant` code, and the password of
   * its `log_input_url` (good as long as the add-on lives).
   */
  async issue(providerId: string, addonId: string): Promise<{ code: string; expiresAt: string; logToken: string }> {
    const code = newToken('bpg_');
    const logToken = newToken('bpl_');
    const expiresAt = this.at(PARTNER_GRANT_SECONDS);
    await this.store.addonProviders.addToken({ tokenHash: hashApiKey(code), kind: 'grant', providerId, addonId, expiresAt });
    await this.store.addonProviders.addToken({ tokenHash: hashApiKey(logToken), kind: 'log', providerId, addonId, expiresAt: null });
    return { code, expiresAt, logToken };
  }

  /** The provider and add-on of a `log_input_url` password, or undefined. */
  async authenticateLog(logToken: string): Promise<{ providerId: string; addonId: string } | undefined> {
    const token = await this.store.addonProviders.findToken(hashApiKey(logToken));
    return token?.kind === 'log' ? { providerId: token.providerId, addonId: token.addonId } : undefined;
  }

  /** `grant_type=authorization_code` or `refresh_token`, with the provider's client secret; unauthorized otherwise. */
  async exchange(request: TokenRequest): Promise<PartnerTokenGrant> {
    const kind = request.grantType === 'authorization_code' ? 'grant' : request.grantType === 'refresh_token' ? 'refresh' : undefined;
    if (!kind) throw new PlatformError('invalid_params', `grant_type must be authorization_code or refresh_token, not ${JSON.stringify(request.grantType ?? '')}.`);
    const presented = kind === 'grant' ? request.code : request.refreshToken;
    if (!presented) throw new PlatformError('invalid_params', kind === 'grant' ? 'code is required with grant_type=authorization_code.' : 'refresh_token is required with grant_type=refresh_token.');
    const hash = hashApiKey(presented);
    const token = await this.store.addonProviders.findToken(hash);
    if (!token || token.kind !== kind) throw refused(kind === 'grant' ? 'the grant code is unknown or was used already' : 'the refresh token is unknown or revoked');
    const provider = await this.store.addonProviders.find(token.providerId);
    if (!provider || !sameSecret(request.clientSecret ?? '', provider.manifest.password)) throw refused('the client secret does not match the add-on provider');
    if (token.expiresAt !== null && token.expiresAt <= this.now().toISOString()) {
      await this.store.addonProviders.takeToken(hash, kind);
      throw refused('the grant code expired; it must be exchanged within 5 minutes');
    }
    return this.store.transaction(async (tx) => {
      if (kind === 'grant' && !(await tx.addonProviders.takeToken(hash, 'grant'))) throw refused('the grant code is unknown or was used already');
      const accessToken = newToken('bpa_');
      const refreshToken = kind === 'grant' ? newToken('bpr_') : presented;
      await tx.addonProviders.addToken({ tokenHash: hashApiKey(accessToken), kind: 'access', providerId: token.providerId, addonId: token.addonId, expiresAt: this.at(PARTNER_ACCESS_SECONDS) });
      if (kind === 'grant') await tx.addonProviders.addToken({ tokenHash: hashApiKey(refreshToken), kind: 'refresh', providerId: token.providerId, addonId: token.addonId, expiresAt: null });
      return { accessToken, refreshToken, expiresIn: PARTNER_ACCESS_SECONDS, addonId: token.addonId, providerId: token.providerId };
    });
  }

  /** The provider and add-on of a live access token, or undefined. */
  async authenticate(accessToken: string): Promise<{ providerId: string; addonId: string } | undefined> {
    const token = await this.store.addonProviders.findToken(hashApiKey(accessToken));
    if (!token || token.kind !== 'access') return undefined;
    if (token.expiresAt !== null && token.expiresAt <= this.now().toISOString()) return undefined;
    return { providerId: token.providerId, addonId: token.addonId };
  }

  /** Revokes every token of the add-on (destroyed or failed). */
  async revoke(addonId: string): Promise<void> {
    await this.store.addonProviders.deleteTokensForAddon(addonId);
  }
}
