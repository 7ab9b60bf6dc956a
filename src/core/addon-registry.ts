import { AddonCatalog } from './addon-catalog.js';
import type { AddonProvider } from './addon-provider.js';
import { PlatformError } from './errors.js';

/**
 * The add-on providers of this Berth, keyed by service, and the catalog they serve. The
 * composition root registers each provider once at start (partner providers may be added later);
 * the API asks it for a service's provider. A built-in service without a provider is listed but
 * cannot be provisioned (a clear invalid_params).
 */
export class AddonRegistry {
  readonly catalog: AddonCatalog;
  private readonly providers = new Map<string, AddonProvider>();

  constructor(catalog: AddonCatalog = new AddonCatalog()) {
    this.catalog = catalog;
  }

  /** Adds (or replaces) the provider of `provider.service`; its serviceSpec joins the catalog. */
  register(provider: AddonProvider): void {
    if (provider.serviceSpec) {
      if (provider.serviceSpec.name !== provider.service) throw new PlatformError('invalid_params', `Provider of ${provider.service} describes a service named ${provider.serviceSpec.name}.`);
      this.catalog.register(provider.serviceSpec);
    } else if (!this.catalog.findService(provider.service)) {
      throw new PlatformError('invalid_params', `Provider of ${provider.service}: the service is not in the catalog and the provider gives no serviceSpec.`);
    }
    this.providers.set(provider.service, provider);
  }

  /** Removes the provider of `service` and, when it brought its own serviceSpec, the service too. */
  unregister(service: string): void {
    const provider = this.providers.get(service);
    this.providers.delete(service);
    if (provider?.serviceSpec) this.catalog.unregister(service);
  }

  /** The provider of a service (by its catalog name), or undefined. */
  find(service: string): AddonProvider | undefined {
    return this.providers.get(service);
  }

  /** The provider of a service, or invalid_params saying which services can be provisioned here. */
  provider(service: string): AddonProvider {
    const found = this.providers.get(service);
    if (found) return found;
    const available = [...this.providers.keys()].sort();
    throw new PlatformError('invalid_params', `The add-on service ${service} is not available on this Berth (no provider is configured). ${available.length > 0 ? `Available: ${available.join(', ')}.` : 'No add-on provider is configured.'}`);
  }
}
