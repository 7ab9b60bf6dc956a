/**
 * What the data services ask of the add-on providers registered with the framework: the
 * Postgres provider's credential rotation (through the framework's config sink: a release on
 * every attached app), reset and server facts. Looked up per call, so a provider registered
 * after start-up is used at once; without one the data API says the action is unavailable.
 */
import type { DataAddon } from '../api/data-port.js';
import { PostgresProvider } from '../addons/postgres-provider.js';
import type { AddonConfigSink, AddonResource } from '../core/addon-provider.js';
import type { AddonRegistry } from '../core/addon-registry.js';
import type { Store } from '../store/port.js';
import type { DataProviderHooks } from './data-services.js';

export function providerHooks(registry: AddonRegistry, sink: Pick<AddonConfigSink, 'updateConfig'>, store: Store): DataProviderHooks {
  const postgres = (): PostgresProvider | undefined => {
    const provider = registry.find('heroku-postgresql');
    return provider instanceof PostgresProvider ? provider : undefined;
  };
  const resource = async (addon: DataAddon): Promise<AddonResource> => ({
    addonId: addon.id,
    addonName: addon.name,
    plan: addon.plan,
    providerId: addon.providerId,
    appId: addon.appId,
    appName: (await store.apps.findById(addon.appId))?.name ?? addon.appId,
  });
  const hooks: DataProviderHooks = {};
  if (postgres()) {
    hooks.rotateCredentials = async (addon) => void (await postgres()!.rotateCredentials(await resource(addon), sink));
    hooks.resetDatabase = async (addon) => postgres()!.reset(await resource(addon));
    hooks.postgresFacts = async (addon) => {
      const info = await postgres()!.info(await resource(addon));
      return { ...info, connectionLimit: info.connectionLimit >= 0 ? info.connectionLimit : null };
    };
  }
  return hooks;
}
