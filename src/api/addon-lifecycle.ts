import type { CatalogPlan } from '../core/addon-catalog.js';
import { attachmentVarNames, defaultAttachmentName, describeAttach, describeDetach, describePlanChange, randomAddonName } from '../core/addon-naming.js';
import type { AddonConfigSink, AddonProvider, AddonResource } from '../core/addon-provider.js';
import { PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { Addon, AddonAttachment, Store } from '../store/port.js';
import { configClash, removeAttachmentVars, writeAttachmentVars, type AppRelease, type User } from './addon-releases.js';
import { callProvider, checkProviderConfig, describeFailure } from './provider-call.js';
import type { ApiDeps } from './context.js';
import { announceRelease } from './releasing.js';

type LifecycleDeps = Pick<ApiDeps, 'store' | 'addons' | 'addonTimeoutMs' | 'logs' | 'platform' | 'log' | 'urls'>;

export interface NewAddonRequest {
  app: App;
  plan: CatalogPlan;
  name?: string;
  attachmentName?: string;
  options: Record<string, string>;
  user: User;
}

/** The message an add-on gets when Berth finds it still provisioning after a restart. */
export const STALE_ADDON_MESSAGE = 'Berth stopped while this add-on was being provisioned, so it was marked failed. Destroy it and create it again.';

/**
 * The add-on framework: provisioning through a provider, attaching and detaching with releases,
 * plan changes, destruction and crash recovery. Provider calls happen outside transactions and
 * under a timeout; a failure marks the add-on failed and leaves every app's config as it was.
 * It is also the providers' AddonConfigSink (asynchronous completion, credential rotation).
 */
export class AddonLifecycle implements AddonConfigSink {
  constructor(private readonly deps: LifecycleDeps, private readonly random: () => number = Math.random) {}

  private get store(): Store {
    return this.deps.store;
  }

  async create(request: NewAddonRequest): Promise<Addon> {
    const { app, plan, user } = request;
    const service = plan.service;
    const provider = this.deps.addons.provider(service.name);
    const taken = new Set((await this.store.addonAttachments.listForApp(app.id)).map((a) => a.name));
    const attachmentName = request.attachmentName ?? defaultAttachmentName(service, taken, this.random);
    if (taken.has(attachmentName)) throw attachmentTaken(app, attachmentName);
    const current = await this.store.configVars.get(app.id);
    const clash = attachmentVarNames(attachmentName, service.configVarSuffixes).filter((n) => Object.hasOwn(current, n));
    if (clash.length > 0) throw configClash(app, clash);

    const addon = await this.createRecord(request, attachmentName);
    const resource = { addonId: addon.id, addonName: addon.name, plan: plan.name, appId: app.id, appName: app.name };
    const pending = provider.provision({ ...resource, options: request.options, callbackUrl: this.deps.urls.apiUrl(`/addons/${addon.id}`) });
    let result;
    try {
      result = await callProvider(pending, this.deps.addonTimeoutMs, service.name);
      if (result.state === 'provisioned') checkProviderConfig(result.config);
    } catch (err) {
      const message = describeFailure(err);
      this.deps.log({ at: 'warn', msg: 'add-on provisioning failed', addon: addon.name, service: service.name, error: err instanceof Error ? err.stack : String(err) });
      await this.store.addons.markFailed(addon.id, message);
      // A resource made after all (late answer, or garbage config) is removed again.
      void pending.then((late) => this.deprovisionQuietly(provider, { ...resource, providerId: late.providerId }), () => undefined);
      throw new PlatformError('addon_provider_failed', `Could not provision ${addon.name} (${plan.fullName}): ${message} The add-on is marked failed; the app's config is unchanged.`);
    }
    if (result.state === 'provisioning') return (await this.store.addons.markAccepted(addon.id, result.providerId, result.message ?? null)) ?? addon;
    return this.complete(addon.id, { providerId: result.providerId, config: result.config, message: result.message ?? null }, user);
  }

  /** The add-on row and its first attachment, retrying generated names that are taken. */
  private async createRecord(request: NewAddonRequest, attachmentName: string): Promise<Addon> {
    for (let attempt = 0; ; attempt++) {
      const name = request.name ?? randomAddonName(request.plan.service, this.random);
      try {
        return await this.store.transaction(async (tx) => {
          const addon = await tx.addons.create({ appId: request.app.id, name, service: request.plan.service.name, plan: request.plan.name });
          await tx.addonAttachments.create({ addonId: addon.id, appId: request.app.id, name: attachmentName });
          return addon;
        });
      } catch (err) {
        if (request.name !== undefined || !(err instanceof PlatformError && err.id === 'conflict' && err.message.includes(name)) || attempt >= 5) throw err;
      }
    }
  }

  /** provisioning → provisioned, setting the vars of every attachment (a release each). */
  private async complete(addonId: string, result: { providerId: string | null; config: Record<string, string>; message: string | null }, user: User): Promise<Addon> {
    let releases: AppRelease[];
    try {
      releases = await this.store.transaction(async (tx) => {
        const done = await tx.addons.markProvisioned(addonId, result);
        if (!done) return [];
        const made: AppRelease[] = [];
        for (const attachment of await tx.addonAttachments.listForAddon(addonId)) {
          made.push(await writeAttachmentVars(tx, attachment.appId, { name: attachment.name, addon: done }, describeAttach(attachment.name, done.name), user));
        }
        return made;
      });
    } catch (err) {
      if (err instanceof PlatformError && err.id === 'conflict') {
        const failed = await this.store.addons.markFailed(addonId, err.message);
        const provider = failed && this.deps.addons.find(failed.service);
        if (failed && provider) void this.deprovisionQuietly(provider, await this.resourceOf({ ...failed, providerId: result.providerId ?? failed.providerId }));
      }
      throw err;
    }
    this.announce(releases);
    const addon = await this.store.addons.findById(addonId);
    if (!addon) throw new Error(`add-on ${addonId} vanished`);
    return addon;
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
        // Provisioning: its vars arrive with completion. Still refuse names whose vars exist.
        const current = await tx.configVars.lock(app.id);
        const clash = attachmentVarNames(attachmentName, service.configVarSuffixes).filter((n) => Object.hasOwn(current, n));
        if (clash.length > 0) throw configClash(app, clash);
        return { attachment: created, releases: [] };
      }
      return { attachment: created, releases: [await writeAttachmentVars(tx, app.id, { name: attachmentName, addon: fresh }, describeAttach(attachmentName, fresh.name), user)] };
    });
    this.announce(releases);
    return attachment;
  }

  async detach(attachment: AddonAttachment, user: User): Promise<void> {
    const releases = await this.store.transaction(async (tx) => {
      const addon = await tx.addons.findById(attachment.addonId);
      if (!(await tx.addonAttachments.delete(attachment.id)) || !addon || addon.state !== 'provisioned') return [];
      return [await removeAttachmentVars(tx, attachment.appId, attachment.name, addon, describeDetach(attachment.name, addon.name), user)];
    });
    this.announce(releases);
  }

  /**
   * Destroys the add-on: the provider deprovisions (a failure changes nothing), then every
   * attachment is detached with a release and the add-on is deprovisioned. Attached to other
   * apps than its own, it needs `confirmed` (the billing app's name, or force).
   */
  async destroy(addon: Addon, confirmed: boolean, user: User): Promise<Addon> {
    const attachments = await this.store.addonAttachments.listForAddon(addon.id);
    const elsewhere = attachments.filter((a) => a.appId !== addon.appId);
    if (elsewhere.length > 0 && !confirmed) {
      const where = await Promise.all(elsewhere.map(async (a) => `${(await this.store.apps.findById(a.appId))?.name ?? a.appId} (as ${a.name})`));
      const owner = (await this.store.apps.findById(addon.appId))?.name ?? addon.appId;
      throw new PlatformError('confirmation_required', `${addon.name} is also attached to ${where.join(', ')}; destroying it removes it there too. Detach it there first, or confirm with --confirm ${owner} (API: "confirm": "${owner}" or "force": true).`);
    }
    await this.deprovisionAtProvider(addon);
    const releases = await this.store.transaction(async (tx) => {
      const made: AppRelease[] = [];
      for (const attachment of await tx.addonAttachments.listForAddon(addon.id)) {
        await tx.addonAttachments.delete(attachment.id);
        if (addon.state === 'provisioned') made.push(await removeAttachmentVars(tx, attachment.appId, attachment.name, addon, describeDetach(attachment.name, addon.name), user));
      }
      await tx.addons.markDeprovisioned(addon.id);
      return made;
    });
    this.announce(releases);
    return (await this.store.addons.findById(addon.id)) ?? addon;
  }

  /** Moves a provisioned add-on to another plan of its service; a release on every attached app. */
  async changePlan(addon: Addon, plan: CatalogPlan, user: User): Promise<{ addon: Addon; message: string | null }> {
    if (plan.service.name !== addon.service) throw new PlatformError('invalid_params', `Couldn't change ${addon.name} to ${plan.fullName}: an add-on keeps its service (${addon.service}); choose one of its plans.`);
    if (plan.name === addon.plan) return { addon, message: null };
    if (addon.state !== 'provisioned') throw new PlatformError('invalid_params', `The add-on ${addon.name} is ${addon.state}; only a provisioned add-on changes plans.`);
    const provider = this.deps.addons.provider(addon.service);
    let result;
    try {
      result = await callProvider(provider.changePlan(await this.resourceOf(addon), plan.name), this.deps.addonTimeoutMs, addon.service);
      if (result.config) checkProviderConfig(result.config);
    } catch (err) {
      throw new PlatformError('addon_provider_failed', `Could not change ${addon.name} to ${plan.fullName}: ${describeFailure(err)} The add-on stays on ${addon.service}:${addon.plan}.`);
    }
    const releases = await this.store.transaction(async (tx) => {
      const updated = await tx.addons.update(addon.id, { plan: plan.name, ...(result.config ? { config: result.config } : {}) });
      if (!updated) throw new PlatformError('conflict', `The add-on ${addon.name} changed while its plan was being changed; try again.`);
      const made: AppRelease[] = [];
      for (const attachment of await tx.addonAttachments.listForAddon(addon.id)) {
        made.push(await writeAttachmentVars(tx, attachment.appId, { name: attachment.name, addon: updated, previous: addon.config }, describePlanChange(addon.name, plan.fullName), user));
      }
      return made;
    });
    this.announce(releases);
    return { addon: (await this.store.addons.findById(addon.id)) ?? addon, message: result.message ?? null };
  }

  /** Before an app is deleted: its own add-ons are deprovisioned (and detached from other apps, with releases there). */
  async destroyAppAddons(app: App, user: User): Promise<void> {
    for (const addon of await this.store.addons.listForApp(app.id)) {
      await this.deprovisionAtProvider(addon).catch((err: unknown) => this.deps.log({ at: 'error', during: 'deprovision with app', addon: addon.name, error: describeFailure(err) }));
      const releases = await this.store.transaction(async (tx) => {
        const made: AppRelease[] = [];
        for (const attachment of await tx.addonAttachments.listForAddon(addon.id)) {
          await tx.addonAttachments.delete(attachment.id);
          if (attachment.appId !== app.id && addon.state === 'provisioned') {
            made.push(await removeAttachmentVars(tx, attachment.appId, attachment.name, addon, describeDetach(attachment.name, addon.name), user));
          }
        }
        await tx.addons.markDeprovisioned(addon.id);
        return made;
      });
      this.announce(releases);
    }
  }

  /** On start: add-ons whose provision call never answered (a crash) are cleaned up at the provider and failed. */
  async recoverStale(): Promise<string[]> {
    const failed: string[] = [];
    for (const addon of await this.store.addons.listStale()) {
      const provider = this.deps.addons.find(addon.service);
      if (provider) await this.deprovisionQuietly(provider, await this.resourceOf(addon));
      if (await this.store.addons.markFailed(addon.id, STALE_ADDON_MESSAGE)) failed.push(addon.id);
    }
    return failed;
  }

  // AddonConfigSink

  async updateConfig(addonId: string, config: Record<string, string>, description: string): Promise<void> {
    checkProviderConfig(config);
    const releases = await this.store.transaction(async (tx) => {
      const addon = await tx.addons.findById(addonId);
      if (!addon || addon.state !== 'provisioned') throw new PlatformError('invalid_params', `The add-on ${addon?.name ?? addonId} is ${addon?.state ?? 'missing'}; only a provisioned add-on's config changes.`);
      const updated = await tx.addons.update(addonId, { config });
      if (!updated) throw new Error(`add-on ${addonId} left provisioned during a config update`);
      const made: AppRelease[] = [];
      for (const attachment of await tx.addonAttachments.listForAddon(addonId)) {
        made.push(await writeAttachmentVars(tx, attachment.appId, { name: attachment.name, addon: updated, previous: addon.config }, description, null));
      }
      return made;
    });
    this.announce(releases);
  }

  async provisioned(addonId: string, config: Record<string, string>, message?: string): Promise<void> {
    checkProviderConfig(config);
    await this.complete(addonId, { providerId: null, config, message: message ?? null }, null);
  }

  async failed(addonId: string, message: string): Promise<void> {
    await this.store.addons.markFailed(addonId, message);
  }

  private async deprovisionAtProvider(addon: Addon): Promise<void> {
    const provider = this.deps.addons.find(addon.service);
    if (!provider) {
      this.deps.log({ at: 'warn', msg: 'no provider to deprovision the add-on; only Berth forgets it', addon: addon.name, service: addon.service });
      return;
    }
    try {
      await callProvider(provider.deprovision(await this.resourceOf(addon)), this.deps.addonTimeoutMs, addon.service);
    } catch (err) {
      // A failed add-on may never have been made: its provider's refusal must not keep it forever.
      if (addon.state === 'failed') {
        this.deps.log({ at: 'warn', msg: 'deprovisioning a failed add-on failed; forgetting it anyway', addon: addon.name, error: describeFailure(err) });
        return;
      }
      throw new PlatformError('addon_provider_failed', `Could not destroy ${addon.name}: ${describeFailure(err)} Nothing was changed; try again.`);
    }
  }

  private async deprovisionQuietly(provider: AddonProvider, resource: AddonResource): Promise<void> {
    await callProvider(provider.deprovision(resource), this.deps.addonTimeoutMs, provider.service).catch((err: unknown) =>
      this.deps.log({ at: 'warn', msg: 'could not deprovision a half-made add-on', addon: resource.addonName, error: describeFailure(err) }),
    );
  }

  private async resourceOf(addon: Addon): Promise<AddonResource> {
    const app = await this.store.apps.findById(addon.appId);
    return { addonId: addon.id, addonName: addon.name, plan: addon.plan, providerId: addon.providerId, appId: addon.appId, appName: app?.name ?? addon.appId };
  }

  private announce(releases: readonly AppRelease[]): void {
    for (const { app, release } of releases) announceRelease(this.deps, app, release);
  }
}

const attachmentTaken = (app: Pick<App, 'name'>, name: string) =>
  new PlatformError('conflict', `The app ${app.name} already has an attachment named ${name}. Choose another name (--as NAME), or detach that one first.`);

