/**
 * The store-backed port of the partner provision deadline: provisioning add-ons from the store,
 * partner services from the registered providers, and failing one through the add-on
 * framework's config sink (`failed`), revoking its partner tokens and asking the provider, best
 * effort, to drop whatever it made.
 */
import type { PartnerTokens } from '../accounts/partner-tokens.js';
import type { ProvisionDeadlinePort } from './provision-deadline.js';
import type { Store } from '../store/port.js';
import type { PartnerProviders } from './partner-providers.js';

export interface PartnerDeadlineDeps {
  store: Store;
  providers: PartnerProviders;
  tokens: PartnerTokens;
  /** AddonConfigSink.failed: state `failed` with the message, attachments gone, no config change. */
  failed(addonId: string, message: string): Promise<void>;
  log(event: Record<string, unknown>): void;
}

export function partnerDeadlinePort(deps: PartnerDeadlineDeps): ProvisionDeadlinePort {
  return {
    async provisioning() {
      return (await deps.store.addons.list({})).filter((a) => a.state === 'provisioning');
    },
    partnerName: (service) => deps.providers.find(service)?.manifest.name,
    async fail(pending, message) {
      await deps.failed(pending.id, message);
      await deps.tokens.revoke(pending.id);
      const addon = await deps.store.addons.findById(pending.id);
      const provider = deps.providers.find(pending.service);
      if (!addon || !provider) return;
      const app = await deps.store.apps.findById(addon.appId);
      await provider
        .deprovision({ addonId: addon.id, addonName: addon.name, plan: addon.plan, providerId: addon.providerId, appId: addon.appId, appName: app?.name ?? addon.appId })
        .catch((err: unknown) => deps.log({ at: 'warn', event: 'partner_deprovision_failed', addon: addon.id, error: err instanceof Error ? err.message : String(err) }));
    },
  };
}
