/**
 * A third-party add-on provider reached over Heroku's add-on partner API v3: provision
 * `POST {base}/heroku/resources`, plan change `PUT …/:id`, deprovision `DELETE …/:id`, each with
 * `Authorization: Basic base64(id:password)` from the manifest. Answers are untrusted: they are
 * size-capped, must be JSON, and may only carry the manifest's config vars. Failures become
 * AddonProviderError in words for the user; the framework then leaves the app untouched.
 */
import type { PartnerManifest } from '../core/addon-manifest.js';
import { checkPartnerConfig, partnerMessage } from '../core/partner-config.js';
import { partnerServiceSpec } from '../core/partner-service.js';
import type { AddonServiceSpec } from '../core/addon-catalog.js';
import { AddonProviderError, type AddonProvider, type AddonResource, type ProvisionRequest, type ProvisionResult } from './provider.js';
import { callPartner, type PartnerCall, type PartnerReply } from './partner-http.js';

/**
 * Issues the secrets of a provision request: the one-time OAuth grant a provider exchanges for
 * its access token (Heroku's `oauth_grant`) and the password of the add-on's `log_input_url`.
 */
export interface PartnerGrants {
  issue(providerId: string, addonId: string): Promise<{ code: string; expiresAt: string; logToken: string }>;
}

/** `https://token:SECRET@<berth>/addons/<uuid>/logs`, next to the callback URL: where the provider may write app log lines. */
function logInputUrl(callbackUrl: string, logToken: string): string {
  const url = new URL(callbackUrl);
  url.username = 'token';
  url.password = logToken;
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/logs`;
  return url.toString();
}

export interface PartnerProviderOptions {
  grants: PartnerGrants;
  /** Sent as `region` (Heroku sends e.g. `amazon-web-services::us-east-1`). */
  region: string;
  /** Per attempt; Heroku gives a provider 25 s before failing the request. */
  timeoutMs?: number;
  /** Attempts for calls that are safe to repeat (at least 1). */
  attempts?: number;
  /** First pause between attempts; doubles each time. */
  backoffMs?: number;
  maxResponseBytes?: number;
  sleep?: (ms: number) => Promise<void>;
}

const PROVIDER_ID = /^[\x21-\x7e]{1,200}$/;
const seconds = (ms: number) => (ms >= 1000 ? `${Math.round(ms / 1000)} s` : `${ms} ms`);
const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Provision is retried only when the provider cannot have acted (or says it is briefly away). */
const retryProvision = (r: PartnerReply) => r.kind === 'unreachable' || (r.kind === 'answered' && [502, 503, 504].includes(r.status));
/** PUT and DELETE are idempotent: a timeout or a 5xx is worth another try too. */
const retryIdempotent = (r: PartnerReply) => r.kind === 'unreachable' || r.kind === 'timeout' || (r.kind === 'answered' && r.status >= 500 && r.status !== 501);

export class PartnerProvider implements AddonProvider {
  readonly service: string;
  readonly serviceSpec: AddonServiceSpec;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly backoffMs: number;
  private readonly maxResponseBytes: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(readonly manifest: PartnerManifest, private readonly options: PartnerProviderOptions) {
    this.service = manifest.id;
    this.serviceSpec = partnerServiceSpec(manifest);
    this.timeoutMs = options.timeoutMs ?? 20_000;
    this.attempts = Math.max(1, options.attempts ?? 3);
    this.backoffMs = options.backoffMs ?? 250;
    this.maxResponseBytes = options.maxResponseBytes ?? 64 * 1024;
    this.sleep = options.sleep ?? pause;
  }

  async provision(request: ProvisionRequest): Promise<ProvisionResult> {
    const grant = await this.options.grants.issue(this.manifest.id, request.addonId);
    const body = {
      uuid: request.addonId,
      name: request.addonName,
      plan: request.plan,
      region: this.options.region,
      callback_url: request.callbackUrl,
      options: request.options,
      oauth_grant: { code: grant.code, expires_at: grant.expiresAt, type: 'authorization_code' },
      log_input_url: logInputUrl(request.callbackUrl, grant.logToken),
      log_drain_token: `d.${request.addonId}`,
    };
    const reply = await this.send('provision', { method: 'POST', url: this.resources(), body }, retryProvision);
    const json = reply.json ?? {};
    if (reply.status !== 200 && reply.status !== 201 && reply.status !== 202) throw this.refusal('provision', reply.status, json);
    const providerId = typeof json.id === 'number' ? String(json.id) : json.id;
    if (typeof providerId !== 'string' || !PROVIDER_ID.test(providerId)) throw this.garbage('provision', 'its answer has no usable "id"');
    const message = partnerMessage(json.message);
    if (reply.status === 202) return { state: 'provisioning', providerId, ...(message ? { message } : {}) };
    const config = this.config('provision', json.config);
    return { state: 'provisioned', providerId, config, ...(message ? { message } : {}) };
  }

  async changePlan(resource: AddonResource, plan: string): Promise<{ config?: Record<string, string>; message?: string }> {
    if (resource.providerId === null) throw new AddonProviderError(`${this.manifest.name} has not finished provisioning ${resource.addonName}; change the plan once it is provisioned.`);
    const reply = await this.send('change the plan of', { method: 'PUT', url: this.resource(resource.providerId), body: { plan } }, retryIdempotent);
    const json = reply.json ?? {};
    if (reply.status < 200 || reply.status > 299) throw this.refusal('change the plan of', reply.status, json);
    const message = partnerMessage(json.message);
    const config = json.config === undefined || json.config === null ? undefined : this.config('change the plan of', json.config);
    return { ...(config && Object.keys(config).length > 0 ? { config } : {}), ...(message ? { message } : {}) };
  }

  async deprovision(resource: AddonResource): Promise<void> {
    if (resource.providerId === null) return; // the provider never acknowledged it: nothing to destroy there
    const reply = await this.send('deprovision', { method: 'DELETE', url: this.resource(resource.providerId) }, retryIdempotent);
    if ((reply.status >= 200 && reply.status <= 299) || reply.status === 404 || reply.status === 410) return;
    throw this.refusal('deprovision', reply.status, reply.json ?? {});
  }

  private resources(): string {
    return `${this.manifest.baseUrl}/heroku/resources`;
  }

  private resource(providerId: string): string {
    return `${this.resources()}/${encodeURIComponent(providerId)}`;
  }

  /** Sends with bounded retries; returns the provider's answer or throws its failure in words. */
  private async send(
    verb: string,
    call: Pick<PartnerCall, 'method' | 'url' | 'body'>,
    retry: (r: PartnerReply) => boolean,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }> {
    const authorization = `Basic ${Buffer.from(`${this.manifest.id}:${this.manifest.password}`).toString('base64')}`;
    let reply: PartnerReply | undefined;
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      if (attempt > 1) await this.sleep(this.backoffMs * 2 ** (attempt - 2));
      reply = await callPartner({ ...call, authorization, timeoutMs: this.timeoutMs, maxResponseBytes: this.maxResponseBytes });
      if (!retry(reply)) break;
    }
    const last = reply as PartnerReply;
    const tries = this.attempts > 1 && retry(last) ? ` after ${this.attempts} attempts` : '';
    switch (last.kind) {
      case 'answered':
        return last;
      case 'unreachable':
        throw new AddonProviderError(`The add-on provider ${this.manifest.name} could not be reached to ${verb} the add-on (${last.detail})${tries}. Nothing changed on the app; try again later.`);
      case 'timeout':
        throw new AddonProviderError(`The add-on provider ${this.manifest.name} did not answer within ${seconds(this.timeoutMs)} when asked to ${verb} the add-on${tries}. Nothing changed on the app; try again later.`);
      case 'garbage':
        throw this.garbage(verb, `${last.detail} (HTTP ${last.status})`);
    }
  }

  private config(verb: string, value: unknown): Record<string, string> {
    let pairs: Record<string, unknown>;
    if (value === undefined || value === null) pairs = {};
    else if (typeof value === 'object' && !Array.isArray(value)) pairs = value as Record<string, unknown>;
    else throw this.garbage(verb, 'its "config" is not an object of config vars');
    const checked = checkPartnerConfig(this.manifest, pairs);
    if (!checked.ok) throw this.garbage(verb, checked.reason);
    return checked.config;
  }

  private garbage(verb: string, detail: string): AddonProviderError {
    return new AddonProviderError(`The add-on provider ${this.manifest.name} gave an unusable answer when asked to ${verb} the add-on: ${detail}. Nothing changed on the app.`);
  }

  private refusal(verb: string, status: number, json: Record<string, unknown>): AddonProviderError {
    const said = partnerMessage(json.message) ?? partnerMessage(json.error);
    if (status === 401 || status === 403) {
      return new AddonProviderError(`The add-on provider ${this.manifest.name} rejected Berth's credentials (HTTP ${status}) when asked to ${verb} the add-on; an admin must check the manifest's password.`);
    }
    const why = said ? `: ${said}` : '';
    if (status === 422) return new AddonProviderError(`The add-on provider ${this.manifest.name} refused to ${verb} the add-on${why}`);
    return new AddonProviderError(`The add-on provider ${this.manifest.name} failed to ${verb} the add-on (HTTP ${status})${why}. Nothing changed on the app.`);
  }
}
