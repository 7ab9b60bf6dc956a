/**
 * The add-on provider port: what the add-on framework (API, store, releases) asks of a service
 * that makes resources — Berth's own Postgres and Redis servers, or a third-party provider
 * reached over Heroku's partner API. Providers never touch apps, config vars or releases: they
 * return config (suffix → value, e.g. `{ URL: 'postgres://…' }`) and the framework names the
 * vars after each attachment (`DATABASE` + `_URL` → `DATABASE_URL`) and makes the releases.
 */

import type { AddonServiceSpec } from './addon-catalog.js';

/** One resource as the framework stores it. */
export interface AddonResource {
  /** The add-on's id (uuid); also the partner API's `uuid`. */
  addonId: string;
  /** Heroku-style name, e.g. `postgresql-curved-12345`. */
  addonName: string;
  /** The plan's short name within the service, e.g. `essential-0`. */
  plan: string;
  /** The provider's own id for the resource (the partner API's `id`), once known. */
  providerId: string | null;
  /** The app that created the add-on (its billing app). */
  appId: string;
  appName: string;
}

export interface ProvisionRequest extends Omit<AddonResource, 'providerId'> {
  /** `--key=value` options from `addons:create … -- --key value` / the API's `config`. */
  options: Record<string, string>;
  /** Where an asynchronous provider reports completion (partner API `callback_url`). */
  callbackUrl: string;
}

export type ProvisionResult =
  /** Ready now: config suffixes → values (`{ URL: 'redis://…' }`). */
  | { state: 'provisioned'; providerId: string; config: Record<string, string>; message?: string }
  /** Accepted; completion arrives later through the framework's callback (partner API 202). */
  | { state: 'provisioning'; providerId: string; message?: string };

export interface AddonProvider {
  /** The service name this provider serves, e.g. `heroku-postgresql`. */
  readonly service: string;
  /**
   * The service and its plans when it is not in Berth's built-in catalog (a partner provider's
   * manifest); registering the provider adds it to the catalog. Built-in services omit it.
   */
  readonly serviceSpec?: AddonServiceSpec;
  provision(request: ProvisionRequest): Promise<ProvisionResult>;
  /** Moves the resource to another plan of the same service; may return replacement config. */
  changePlan(resource: AddonResource, plan: string): Promise<{ config?: Record<string, string>; message?: string }>;
  /** Destroys the resource and its data. Idempotent: an unknown resource is already gone. */
  deprovision(resource: AddonResource): Promise<void>;
}

/**
 * A provider's refusal or failure, in words for the user ("the PostgreSQL server is not
 * running: …"). The framework marks the add-on `failed` with this message and leaves the app's
 * config and running dynos untouched.
 */
export class AddonProviderError extends Error {
  override readonly name = 'AddonProviderError';
}

/**
 * What providers may ask of the framework after provisioning: replace an add-on's config (a
 * credential rotation, an asynchronous provision completing, a partner's config update). The
 * framework writes one release on every app the add-on is attached to and rolls its dynos.
 */
export interface AddonConfigSink {
  /**
   * Replaces the add-on's whole config (suffix → value) on a provisioned add-on: one release per
   * attached app, described `description` (e.g. `Update DATABASE by postgresql-curved-12345`).
   */
  updateConfig(addonId: string, config: Record<string, string>, description: string, options?: { untilRolled?: boolean }): Promise<void>;
  /**
   * An asynchronous provision (a `provisioning` result) finished: the add-on becomes
   * `provisioned` and its attachments set their config vars (a release each). Ignored unless
   * the add-on is still provisioning.
   */
  provisioned(addonId: string, config: Record<string, string>, message?: string): Promise<void>;
  /** An asynchronous provision failed: the add-on becomes `failed` with `message`, attachments go, no config changes. */
  failed(addonId: string, message: string): Promise<void>;
}
