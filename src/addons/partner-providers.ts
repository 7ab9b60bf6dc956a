/**
 * Third-party add-on providers as Berth runs them: a PartnerProvider per registered
 * manifest, built at start from the store and whenever an admin registers one, registered in
 * the add-on registry (so its service and plans join the catalog and resolve like built-ins),
 * with the OAuth grants its provision requests carry. It is the API's PartnerPort.
 */
import type { PartnerTokens } from '../accounts/partner-tokens.js';
import { PartnerProvider } from './partner-provider.js';
import type { PartnerPort } from '../api/context.js';
import type { AddonRegistry } from '../core/addon-registry.js';
import type { AddonProviderRecord, Store } from '../store/port.js';

export interface PartnerProvidersOptions {
  store: Store;
  tokens: PartnerTokens;
  registry: AddonRegistry;
  /** Sent to providers as `region`. */
  region: string;
  /** Per attempt; keep attempts × timeout under the framework's provider timeout. */
  timeoutMs?: number;
  log(event: Record<string, unknown>): void;
}

export class PartnerProviders implements PartnerPort {
  private readonly providers = new Map<string, PartnerProvider>();

  constructor(private readonly options: PartnerProvidersOptions) {}

  get tokens(): PartnerTokens {
    return this.options.tokens;
  }

  /** Registers a provider for every stored manifest; one the catalog refuses is logged and skipped. */
  async load(): Promise<void> {
    for (const record of await this.options.store.addonProviders.list()) {
      try {
        this.registered(record);
      } catch (err) {
        this.options.log({ at: 'warn', msg: 'add-on provider not registered', provider: record.id, error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  registered(record: AddonProviderRecord): void {
    const provider = new PartnerProvider(record.manifest, {
      grants: this.options.tokens,
      region: this.options.region,
      timeoutMs: this.options.timeoutMs ?? 8_000,
    });
    this.options.registry.register(provider);
    this.providers.set(record.id, provider);
  }

  removed(id: string): void {
    this.providers.delete(id);
    this.options.registry.unregister(id);
  }

  find(service: string): PartnerProvider | undefined {
    return this.providers.get(service);
  }
}
