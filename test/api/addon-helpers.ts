// Helpers for the add-on API tests: a harness with test providers registered, and requests.

import { AddonRegistry } from '../../src/core/addon-registry.js';
import { PartnerServer } from '../support/partner-server.js';
import { startApi, type ApiHarness } from '../support/api-harness.js';
import { TestAddonProvider } from '../support/test-addon-provider.js';
import { expectJson, jsonBody } from './helpers.js';

export interface AddonJson {
  id: string;
  name: string;
  app: { id: string; name: string };
  addon_service: { id: string; name: string; human_name?: string };
  plan: { id: string; name: string; price: { cents: number; unit: string }; human_name?: string };
  config_vars: string[];
  provision_message: string | null;
  provider_id: string | null;
  state: string;
  berth_state_message: string | null;
}

export interface AttachmentJson {
  id: string;
  name: string;
  app: { id: string; name: string };
  addon: { id: string; name: string; app: { id: string; name: string } };
  config_vars: string[];
}

export interface AddonTestbed {
  api: ApiHarness;
  postgres: TestAddonProvider;
  redis: TestAddonProvider;
}

/** The API with test providers for heroku-postgresql and heroku-redis and a short provider timeout. */
export async function startAddonApi(): Promise<AddonTestbed> {
  const registry = new AddonRegistry();
  const postgres = new TestAddonProvider('heroku-postgresql');
  const redis = new TestAddonProvider('heroku-redis');
  registry.register(postgres);
  registry.register(redis);
  const api = await startApi({ overrides: { addons: registry, addonTimeoutMs: 1000 } });
  return { api, postgres, redis };
}

export interface PartnerTestbed {
  api: ApiHarness;
  partner: PartnerServer;
  dev: { key: string };
  close(): Promise<void>;
}

/** The API with the test partner server's manifest registered (by the admin) and a user `email`. */
export async function startPartnerTestbed(email: string): Promise<PartnerTestbed> {
  const api = await startApi({ overrides: { addonTimeoutMs: 10_000 } });
  const partner = await PartnerServer.start();
  await expectJson(await api.request('/addon-providers', { key: api.adminKey, method: 'POST', body: jsonBody(partner.manifest) }), 201);
  const dev = await api.createUser(email);
  return {
    api,
    partner,
    dev,
    async close() {
      await partner.close();
      await api.close();
    },
  };
}

export const createAddon = (api: ApiHarness, key: string, app: string, body: Record<string, unknown>) =>
  api.request(`/apps/${app}/addons`, { key, method: 'POST', body: jsonBody(body) });

export async function config(api: ApiHarness, key: string, app: string): Promise<Record<string, string>> {
  return expectJson<Record<string, string>>(await api.request(`/apps/${app}/config-vars`, { key }), 200);
}

