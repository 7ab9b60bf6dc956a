/**
 * What the data services ask of the add-on providers registered with the framework: the
 * Postgres provider's credential rotation (through the framework's config sink: a release on
 * every attached app), reset and server facts; the Redis provider's INFO and maxmemory policy. Looked up per call, so a provider registered
 * after start-up is used at once; without one the data API says the action is unavailable.
 */
import type { DataAddon } from '../api/data-port.js';
import type { RedisPolicy } from '../addons/addon-plans.js';
import { PostgresProvider } from '../addons/postgres-provider.js';
import { RedisProvider } from '../addons/redis-provider.js';
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
  const redis = (): RedisProvider | undefined => {
    const provider = registry.find('heroku-redis');
    return provider instanceof RedisProvider ? provider : undefined;
  };
  const hooks: DataProviderHooks = {};
  if (redis()) {
    hooks.setRedisMaxmemoryPolicy = async (addon, policy) => redis()!.setMaxmemoryPolicy(await resource(addon), policy as RedisPolicy);
    hooks.redisFacts = async (addon) => {
      const info = await redis()!.info(await resource(addon));
      return { version: info.version, maxmemoryBytes: info.maxmemoryBytes, maxmemoryPolicy: info.policy, usedMemoryBytes: info.usedMemoryBytes, connectedClients: info.clients };
    };
  }
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
