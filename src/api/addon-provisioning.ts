import type { CatalogPlan } from '../core/addon-catalog.js';
import { attachmentVarNames, defaultAttachmentName, describeAttach, randomAddonName } from '../core/addon-naming.js';
import { PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { Addon } from '../store/port.js';
import { deprovisionQuietly, resourceOf } from './addon-deprovision.js';
import { announceAll, attachmentTaken, configClash, writeAttachmentVars, type AppRelease, type User } from './addon-releases.js';
import type { ApiDeps } from './context.js';
import { callProvider, checkProviderConfig, describeFailure, invoke } from './provider-call.js';

/**
 * Making add-ons: checks before anything is made, the provider's provision call outside any
 * transaction under a deadline, then one transaction that marks the add-on provisioned and sets
 * the vars of each attachment (a release each). Any failure marks the add-on failed and leaves
 * every app's config as it was. Also the completion of asynchronous provisions and the recovery
 * of provisions a killed control plane left behind.
 */

type Deps = Pick<ApiDeps, 'store' | 'addons' | 'addonTimeoutMs' | 'logs' | 'platform' | 'log' | 'urls'>;

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

export class AddonProvisioning {
  constructor(private readonly deps: Deps, private readonly random: () => number) {}

  async create(request: NewAddonRequest): Promise<Addon> {
    const { app, plan, user } = request;
    const { store } = this.deps;
    const service = plan.service;
    const provider = this.deps.addons.provider(service.name);
    const addon = await this.createRecord(request);
    const resource = { addonId: addon.id, addonName: addon.name, plan: plan.name, appId: app.id, appName: app.name };
    const pending = invoke(() => provider.provision({ ...resource, options: request.options, callbackUrl: this.deps.urls.apiUrl(`/addons/${addon.id}`) }));
    let result;
    try {
      result = await callProvider(pending, this.deps.addonTimeoutMs, service.name);
      if (result.state === 'provisioned') checkProviderConfig(result.config);
    } catch (err) {
      const message = describeFailure(err);
      this.deps.log({ at: 'warn', msg: 'add-on provisioning failed', addon: addon.name, service: service.name, error: err instanceof Error ? err.stack : String(err) });
      await store.addons.markFailed(addon.id, message);
      // A resource made after all (a late answer, or garbage config) is removed again.
      void pending.then((late) => deprovisionQuietly(this.deps, provider, { ...resource, providerId: late.providerId }), () => undefined);
      throw new PlatformError('addon_provider_failed', `Could not provision ${addon.name} (${plan.fullName}): ${message} The add-on is marked failed; the app's config is unchanged.`);
    }
    if (result.state === 'provisioning') return (await store.addons.markAccepted(addon.id, result.providerId, result.message ?? null)) ?? addon;
    return this.complete(addon.id, { providerId: result.providerId, config: result.config, message: result.message ?? null }, user);
  }

  /** provisioning → provisioned, setting the vars of every attachment (a release each). */
  async complete(addonId: string, result: { providerId: string | null; config: Record<string, string>; message: string | null }, user: User): Promise<Addon> {
    const { store } = this.deps;
    let releases: AppRelease[] | undefined;
    try {
      releases = await store.transaction(async (tx) => {
        const done = await tx.addons.markProvisioned(addonId, result);
        if (!done) return undefined;
        const made: AppRelease[] = [];
        for (const attachment of await tx.addonAttachments.listForAddon(addonId)) {
          made.push(await writeAttachmentVars(tx, attachment.appId, { name: attachment.name, addon: done }, describeAttach(attachment.name, done.name), user));
        }
        return made;
      });
    } catch (err) {
      // A var that appeared while the provider worked: the add-on fails and its resource goes.
      if (err instanceof PlatformError && err.id === 'conflict') {
        const failed = await store.addons.markFailed(addonId, err.message);
        const provider = failed && this.deps.addons.find(failed.service);
        if (failed && provider) void deprovisionQuietly(this.deps, provider, await resourceOf(store, { ...failed, providerId: result.providerId ?? failed.providerId }));
      }
      throw err;
    }
    const addon = await store.addons.findById(addonId);
    if (!addon) throw new Error(`add-on ${addonId} vanished`);
    if (releases === undefined) {
      // Too late: the add-on failed or was destroyed meanwhile, so the resource made now goes again.
      const provider = addon.state === 'provisioned' ? undefined : this.deps.addons.find(addon.service);
      if (provider) void deprovisionQuietly(this.deps, provider, await resourceOf(store, { ...addon, providerId: result.providerId ?? addon.providerId }));
      return addon;
    }
    announceAll(this.deps, releases);
    return addon;
  }

  async failed(addonId: string, message: string): Promise<void> {
    await this.deps.store.addons.markFailed(addonId, message);
  }

  /** On start: add-ons whose provision call never answered (a crash) are cleaned up at the provider and failed. */
  async recoverStale(): Promise<string[]> {
    const { store } = this.deps;
    const failed: string[] = [];
    for (const addon of await store.addons.listStale()) {
      const provider = this.deps.addons.find(addon.service);
      if (provider) await deprovisionQuietly(this.deps, provider, await resourceOf(store, addon));
      if (await store.addons.markFailed(addon.id, STALE_ADDON_MESSAGE)) failed.push(addon.id);
    }
    return failed;
  }

  /**
   * Checks the attachment name and its config vars, then stores the add-on (provisioning) with
   * its first attachment. Generated names that turn out taken (a concurrent creation) are
   * generated again; names the user gave are refused.
   */
  private async createRecord(request: NewAddonRequest): Promise<Addon> {
    const { app, plan } = request;
    const { store } = this.deps;
    for (let attempt = 0; ; attempt++) {
      const taken = new Set((await store.addonAttachments.listForApp(app.id)).map((a) => a.name));
      const attachmentName = request.attachmentName ?? defaultAttachmentName(plan.service, taken, this.random);
      if (taken.has(attachmentName)) throw attachmentTaken(app, attachmentName);
      const current = await store.configVars.get(app.id);
      const clash = attachmentVarNames(attachmentName, plan.service.configVarSuffixes).filter((n) => Object.hasOwn(current, n));
      if (clash.length > 0) throw configClash(app, clash);
      const name = request.name ?? randomAddonName(plan.service, this.random);
      try {
        return await store.transaction(async (tx) => {
          const addon = await tx.addons.create({ appId: app.id, name, service: plan.service.name, plan: plan.name });
          await tx.addonAttachments.create({ addonId: addon.id, appId: app.id, name: attachmentName });
          return addon;
        });
      } catch (err) {
        const generated = (request.name === undefined && messageHas(err, name)) || (request.attachmentName === undefined && messageHas(err, attachmentName));
        if (!generated || attempt >= 5) throw err;
      }
    }
  }
}

const messageHas = (err: unknown, name: string): boolean => err instanceof PlatformError && err.id === 'conflict' && err.message.includes(` ${name}`);
