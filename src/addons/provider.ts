/**
 * The add-on provider port: what the add-on framework (API, store, releases) asks of a service
 * that makes resources — Berth's own Postgres and Redis servers, or a third-party provider
 * reached over Heroku's partner API. Providers never touch apps, config vars or releases: they
 * return config (suffix → value, e.g. `{ URL: 'postgres://…' }`) and the framework names the
 * vars after each attachment (`DATABASE` + `_URL` → `DATABASE_URL`) and makes the releases.
 */

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
  updateConfig(addonId: string, config: Record<string, string>, description: string): Promise<void>;
}
