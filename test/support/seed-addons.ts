// Add-on rows for data API tests, written through the add-on framework's own store
// repositories (as a provider's successful provision leaves them), pointing at real databases.

import type { Addon, Store } from '../../src/store/port.js';

export async function seedAddon(
  store: Store,
  input: { appId: string; name: string; url: string; attachments: Array<{ appId: string; name: string }>; service?: string; plan?: string },
): Promise<Addon> {
  const created = await store.addons.create({ appId: input.appId, name: input.name, service: input.service ?? 'heroku-postgresql', plan: input.plan ?? 'essential-0' });
  const addon = await store.addons.markProvisioned(created.id, { providerId: null, config: { URL: input.url }, message: null });
  if (!addon) throw new Error(`could not mark ${input.name} provisioned`);
  for (const a of input.attachments) await store.addonAttachments.create({ addonId: addon.id, appId: a.appId, name: a.name });
  return addon;
}
