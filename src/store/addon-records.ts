/** Add-ons and attachments as the store hands them out. Timestamps are ISO-8601 in UTC. */

export type AddonState = 'provisioning' | 'provisioned' | 'deprovisioned' | 'failed';

export interface Addon {
  id: string;
  /** The app that created it (its billing app). */
  appId: string;
  /** Unique among add-ons that are not deprovisioned (`postgresql-curved-12345`). */
  name: string;
  /** The catalog's service name (`heroku-postgresql`). */
  service: string;
  /** The plan's short name (`essential-0`). */
  plan: string;
  state: AddonState;
  /** Why it failed (for users), or null. */
  stateMessage: string | null;
  /** The provider's id of the resource; set once the provider accepted the request. */
  providerId: string | null;
  /** Config suffix → value (`URL` → `postgres://…`). A secret: the API shows names only. */
  config: Record<string, string>;
  /** What the provider said when provisioning (shown by `addons:create`). */
  provisionMessage: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AddonAttachment {
  id: string;
  addonId: string;
  appId: string;
  /** Unique within the app (`DATABASE`); its config vars are `<name>_<suffix>`. */
  name: string;
  namespace: string | null;
  createdAt: string;
  updatedAt: string;
}
