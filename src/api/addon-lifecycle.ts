import type { CatalogPlan } from '../core/addon-catalog.js';
import { attachmentVarNames, defaultAttachmentName, describeAttach, describeDetach, describePlanChange } from '../core/addon-naming.js';
import type { AddonConfigSink } from '../core/addon-provider.js';
import { PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { Addon, AddonAttachment, Store } from '../store/port.js';
import { deprovisionAtProvider, resourceOf } from './addon-deprovision.js';
import { AddonProvisioning, type NewAddonRequest } from './addon-provisioning.js';
import { announceAll, attachmentTaken, configClash, removeAttachmentVars, writeAttachmentVars, type AppRelease, type User } from './addon-releases.js';
import type { ApiDeps } from './context.js';
import { callProvider, checkProviderConfig, describeFailure, invoke } from './provider-call.js';

/**
 * The add-on framework as the API and the providers use it: create (see addon-provisioning.ts),
 * attach and detach with releases, plan changes, destruction (also with an app), crash recovery,
 * and the providers' AddonConfigSink. Provider calls come first and under a deadline; a failure
 * changes nothing. Every config change is one transaction with a release per attached app.
 */

/** How long a config update `untilRolled` waits for the attached apps' dynos to roll. */
const ROLL_WAIT_MS = 45_000;

type LifecycleDeps = Pick<ApiDeps, 'store' | 'addons' | 'addonTimeoutMs' | 'logs' | 'platform' | 'log' | 'urls' | 'events'>;

export type { NewAddonRequest };

export class AddonLifecycle implements AddonConfigSink {
  private readonly provisioning: AddonProvisioning;

  constructor(private readonly deps: LifecycleDeps, private readonly random: () => number = Math.random) {
    this.provisioning = new AddonProvisioning(deps, random);
  }

  private get store(): Store {
    return this.deps.store;
  }

  async create(request: NewAddonRequest): Promise<Addon> {
    const addon = await this.provisioning.create(request);
    this.published('create', addon, request.user);
    return addon;
  }

  /** api:addon for app webhooks, on the add-on's own app. */
  private published(action: 'create' | 'update' | 'destroy', addon: Addon, user: User): void {
    this.deps.events.publish({ entity: 'api:addon', action, appId: addon.appId, addonId: addon.id, actor: user });
  }

  /** On start: fails add-ons a killed control plane left provisioning; returns their ids. */
  recoverStale(): Promise<string[]> {
    return this.provisioning.recoverStale();
  }

  async attach(addon: Addon, app: App, name: string | undefined, user: User): Promise<AddonAttachment> {
    if (addon.state === 'failed') throw new PlatformError('invalid_params', `The add-on ${addon.name} failed (${addon.stateMessage ?? 'no reason given'}); destroy it and create a new one.`);
    const service = this.deps.addons.catalog.storedPlan(addon.service, addon.plan).service;
    if (!service.supportsSharing && app.id !== addon.appId) throw new PlatformError('invalid_params', `The add-on service ${service.name} cannot be shared with other apps.`);
    const taken = new Set((await this.store.addonAttachments.listForApp(app.id)).map((a) => a.name));
    const attachmentName = name ?? defaultAttachmentName(service, taken, this.random);
    if (taken.has(attachmentName)) throw attachmentTaken(app, attachmentName);
    const { attachment, releases } = await this.store.transaction(async (tx) => {
      const created = await tx.addonAttachments.create({ addonId: addon.id, appId: app.id, name: attachmentName });
      const fresh = await tx.addons.findById(addon.id);
      if (fresh?.state !== 'provisioned') {
        // Still provisioning: its vars arrive with completion. Refuse names whose vars exist now.
        const current = await tx.configVars.lock(app.id);
        const clash = attachmentVarNames(attachmentName, service.configVarSuffixes).filter((n) => Object.hasOwn(current, n));
        if (clash.length > 0) throw configClash(app, clash);
        return { attachment: created, releases: [] };
      }
      return { attachment: created, releases: [await writeAttachmentVars(tx, app.id, { name: attachmentName, addon: fresh }, describeAttach(attachmentName, fresh.name), user)] };
    });
    announceAll(this.deps, releases);
    return attachment;
  }

  async detach(attachment: AddonAttachment, user: User): Promise<void> {
    const releases = await this.store.transaction(async (tx) => {
      const addon = await tx.addons.findById(attachment.addonId);
      if (!(await tx.addonAttachments.delete(attachment.id)) || !addon || addon.state !== 'provisioned') return [];
      return [await removeAttachmentVars(tx, attachment.appId, attachment.name, addon, describeDetach(attachment.name, addon.name), user)];
    });
    announceAll(this.deps, releases);
  }

  /**
   * Destroys the add-on: the provider deprovisions (a failure changes nothing), then every
   * attachment is detached with a release and the add-on is deprovisioned. Attached to other
   * apps than its own, it needs `confirmed` (the billing app's name, or force).
   */
  async destroy(addon: Addon, confirmed: boolean, user: User): Promise<Addon> {
    const elsewhere = (await this.store.addonAttachments.listForAddon(addon.id)).filter((a) => a.appId !== addon.appId);
    if (elsewhere.length > 0 && !confirmed) {
      const where = await Promise.all(elsewhere.map(async (a) => `${(await this.store.apps.findById(a.appId))?.name ?? a.appId} (as ${a.name})`));
      const owner = (await this.store.apps.findById(addon.appId))?.name ?? addon.appId;
      throw new PlatformError('confirmation_required', `${addon.name} is also attached to ${where.join(', ')}; destroying it removes it there too. Detach it there first, or confirm with --force (API: "force": true or "confirm": "${owner}").`);
    }
    await deprovisionAtProvider(this.deps, addon);
    announceAll(this.deps, await this.forget(addon, user, () => true));
    this.published('destroy', addon, user);
    return (await this.store.addons.findById(addon.id)) ?? addon;
  }

  /** Before an app is deleted: its own add-ons are deprovisioned (and detached from apps that share them, with releases there). */
  async destroyAppAddons(app: App, user: User): Promise<void> {
    for (const addon of await this.store.addons.listForApp(app.id)) {
      await deprovisionAtProvider(this.deps, addon).catch((err: unknown) => this.deps.log({ at: 'error', during: 'deprovision with its app', addon: addon.name, error: describeFailure(err) }));
      announceAll(this.deps, await this.forget(addon, user, (appId) => appId !== app.id));
    }
  }

  /** Moves a provisioned add-on to another plan of its service; a release on every attached app. */
  async changePlan(addon: Addon, plan: CatalogPlan, user: User): Promise<{ addon: Addon; message: string | null }> {
    if (plan.service.name !== addon.service) throw new PlatformError('invalid_params', `Couldn't change ${addon.name} to ${plan.fullName}: an add-on keeps its service (${addon.service}); choose one of its plans.`);
    if (plan.name === addon.plan) return { addon, message: null };
    if (addon.state !== 'provisioned') throw new PlatformError('invalid_params', `The add-on ${addon.name} is ${addon.state}; only a provisioned add-on changes plans.`);
    const provider = this.deps.addons.provider(addon.service);
    let result;
    try {
      const resource = await resourceOf(this.store, addon);
      result = await callProvider(invoke(() => provider.changePlan(resource, plan.name)), this.deps.addonTimeoutMs, addon.service);
      if (result.config) checkProviderConfig(result.config);
    } catch (err) {
      throw new PlatformError('addon_provider_failed', `Could not change ${addon.name} to ${plan.fullName}: ${describeFailure(err)} The add-on stays on ${addon.service}:${addon.plan}.`);
    }
    const config = result.config;
    const releases = await this.rewrite(addon, { plan: plan.name, ...(config ? { config } : {}) }, describePlanChange(addon.name, plan.fullName), user);
    announceAll(this.deps, releases);
    this.published('update', addon, user);
    return { addon: (await this.store.addons.findById(addon.id)) ?? addon, message: result.message ?? null };
  }

  // AddonConfigSink

  /**
   * `untilRolled`: resolves only once every attached app's dynos run the new release (or after
   * ROLL_WAIT_MS), so a provider may then revoke what the old config granted (credential rotation).
   */
  async updateConfig(addonId: string, config: Record<string, string>, description: string, options: { untilRolled?: boolean } = {}): Promise<void> {
    checkProviderConfig(config);
    const addon = await this.store.addons.findById(addonId);
    if (!addon || addon.state !== 'provisioned') throw new PlatformError('invalid_params', `The add-on ${addon?.name ?? addonId} is ${addon?.state ?? 'missing'}; only a provisioned add-on's config changes.`);
    const releases = await this.rewrite(addon, { config }, description, null);
    announceAll(this.deps, releases);
    if (!options.untilRolled) return;
    const deadline = Date.now() + ROLL_WAIT_MS;
    for (const { app, release } of releases) {
      if (!(await this.deps.platform.rolled(app, release, Math.max(0, deadline - Date.now())))) {
        this.deps.log({ at: 'warn', during: 'updateConfig', app_id: app.id, addon: addon.name, message: `v${release.version} did not replace every dyno within ${ROLL_WAIT_MS} ms; going on` });
      }
    }
  }

  async provisioned(addonId: string, config: Record<string, string>, message?: string): Promise<void> {
    checkProviderConfig(config);
    const addon = await this.provisioning.complete(addonId, { providerId: null, config, message: message ?? null }, null);
    this.published('update', addon, null);
  }

  failed(addonId: string, message: string): Promise<void> {
    return this.provisioning.failed(addonId, message);
  }

  /** Stores a plan and/or config change and rewrites every attachment's vars (a release each). */
  private rewrite(addon: Addon, changes: { plan?: string; config?: Record<string, string> }, description: string, user: User): Promise<AppRelease[]> {
    return this.store.transaction(async (tx) => {
      const updated = await tx.addons.update(addon.id, changes);
      if (!updated) throw new PlatformError('conflict', `The add-on ${addon.name} changed meanwhile (it is no longer provisioned); try again.`);
      const made: AppRelease[] = [];
      for (const attachment of await tx.addonAttachments.listForAddon(addon.id)) {
        made.push(await writeAttachmentVars(tx, attachment.appId, { name: attachment.name, addon: updated, previous: addon.config }, description, user));
      }
      return made;
    });
  }

  /** Detaches every attachment (a release on the apps `release` selects, when its vars were set) and deprovisions the add-on. */
  private forget(addon: Addon, user: User, release: (appId: string) => boolean): Promise<AppRelease[]> {
    return this.store.transaction(async (tx) => {
      const made: AppRelease[] = [];
      for (const attachment of await tx.addonAttachments.listForAddon(addon.id)) {
        await tx.addonAttachments.delete(attachment.id);
        if (addon.state === 'provisioned' && release(attachment.appId)) {
          made.push(await removeAttachmentVars(tx, attachment.appId, attachment.name, addon, describeDetach(attachment.name, addon.name), user));
        }
      }
      await tx.addons.markDeprovisioned(addon.id);
      return made;
    });
  }
}
