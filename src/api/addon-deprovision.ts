import type { AddonProvider, AddonResource } from '../core/addon-provider.js';
import { PlatformError } from '../core/errors.js';
import type { Addon, Store } from '../store/port.js';
import type { ApiDeps } from './context.js';
import { callProvider, describeFailure, invoke } from './provider-call.js';

/** Asking providers to remove resources: strictly (a failure refuses the change) or quietly (cleanup). */

type Deps = Pick<ApiDeps, 'store' | 'addons' | 'addonTimeoutMs' | 'log'>;

/** The resource as its provider knows it. */
export async function resourceOf(store: Store, addon: Addon): Promise<AddonResource> {
  const app = await store.apps.findById(addon.appId);
  return { addonId: addon.id, addonName: addon.name, plan: addon.plan, providerId: addon.providerId, appId: addon.appId, appName: app?.name ?? addon.appId };
}

/**
 * Deprovisions at the provider before Berth forgets the add-on. A failure is addon_provider_failed
 * (nothing changes), except for a failed add-on, which may never have been made: then it is
 * logged and the add-on goes anyway. With no provider registered any more, only Berth forgets it.
 */
export async function deprovisionAtProvider(deps: Deps, addon: Addon): Promise<void> {
  const provider = deps.addons.find(addon.service);
  if (!provider) {
    deps.log({ at: 'warn', msg: 'no provider to deprovision the add-on; only Berth forgets it', addon: addon.name, service: addon.service });
    return;
  }
  try {
    const resource = await resourceOf(deps.store, addon);
    await callProvider(invoke(() => provider.deprovision(resource)), deps.addonTimeoutMs, addon.service);
  } catch (err) {
    if (addon.state === 'failed') {
      deps.log({ at: 'warn', msg: 'deprovisioning a failed add-on failed; forgetting it anyway', addon: addon.name, error: describeFailure(err) });
      return;
    }
    throw new PlatformError('addon_provider_failed', `Could not destroy ${addon.name}: ${describeFailure(err)} Nothing was changed; try again.`);
  }
}

/** Removes a half-made resource (a late or garbage answer, a crash); a failure is only logged. */
export async function deprovisionQuietly(deps: Deps, provider: AddonProvider, resource: AddonResource): Promise<void> {
  await callProvider(invoke(() => provider.deprovision(resource)), deps.addonTimeoutMs, provider.service).catch((err: unknown) =>
    deps.log({ at: 'warn', msg: 'could not deprovision a half-made add-on', addon: resource.addonName, error: describeFailure(err) }),
  );
}
