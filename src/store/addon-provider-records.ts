/** Registered add-on providers and their partner tokens as the store hands them out. */
import type { PartnerManifest } from '../core/addon-manifest.js';

export interface AddonProviderRecord {
  /** The manifest's id, which is also the add-on service's name. */
  id: string;
  name: string;
  /** The validated manifest; a secret (its password), never returned by the API. */
  manifest: PartnerManifest;
  createdAt: string;
  updatedAt: string;
}

/**
 * `grant`: one-time, sent with a provision request; `access`/`refresh`: what a provider exchanges
 * it for; `log`: the password of the add-on's `log_input_url`.
 */
export type PartnerTokenKind = 'grant' | 'access' | 'refresh' | 'log';

export interface PartnerToken {
  /** SHA-256 of the token (hex); the token itself is never stored. */
  tokenHash: string;
  kind: PartnerTokenKind;
  providerId: string;
  /** The one add-on the token is good for. */
  addonId: string;
  expiresAt: string | null;
  createdAt: string;
}
