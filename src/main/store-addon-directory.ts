/**
 * The add-on directory of the data services over the add-on framework's store: an add-on with
 * its attachments, by id or name, and every add-on attached to an app.
 */
import type { DataAddon } from '../api/data-port.js';
import type { Addon, Store } from '../store/port.js';
import type { AddonDirectory } from './data-services.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class StoreAddonDirectory implements AddonDirectory {
  constructor(private readonly store: Store) {}

  private async withAttachments(addon: Addon): Promise<DataAddon> {
    const attachments = await this.store.addonAttachments.listForAddon(addon.id);
    return {
      id: addon.id,
      appId: addon.appId,
      name: addon.name,
      service: addon.service,
      plan: addon.plan,
      state: addon.state,
      providerId: addon.providerId,
      config: addon.config,
      createdAt: addon.createdAt,
      attachments: attachments.map((a) => ({ id: a.id, appId: a.appId, name: a.name })),
    };
  }

  async findAddon(idOrName: string): Promise<DataAddon | undefined> {
    const addon = UUID.test(idOrName) ? await this.store.addons.findById(idOrName.toLowerCase()) : await this.store.addons.findByName(idOrName);
    return addon && this.withAttachments(addon);
  }

  async findAddonByUrl(url: string): Promise<DataAddon | undefined> {
    const addon = (await this.store.addons.list({})).find((a) => a.state !== 'deprovisioned' && a.config.URL === url);
    return addon && this.withAttachments(addon);
  }

  async listForApp(appId: string): Promise<DataAddon[]> {
    const ids = new Set<string>();
    for (const a of await this.store.addonAttachments.listForApp(appId)) ids.add(a.addonId);
    for (const a of await this.store.addons.listForApp(appId)) ids.add(a.id);
    const addons: DataAddon[] = [];
    for (const id of ids) {
      const addon = await this.store.addons.findById(id);
      if (addon && addon.state !== 'deprovisioned') addons.push(await this.withAttachments(addon));
    }
    return addons.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}
