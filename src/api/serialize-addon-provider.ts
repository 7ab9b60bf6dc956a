import type { AddonProviderRecord } from '../store/port.js';

/**
 * A registered add-on provider as the API shows it (a Berth extension): the manifest without its
 * secrets (`password`, `sso_salt`), which are never returned.
 */
export function serializeAddonProvider(record: AddonProviderRecord): Record<string, unknown> {
  const m = record.manifest;
  return {
    id: record.id,
    name: m.name,
    api: {
      config_vars_prefix: m.configVarsPrefix,
      config_vars: m.configVars,
      regions: m.regions,
      production: { base_url: m.baseUrl },
      version: m.version,
      sso: m.ssoSalt !== null,
    },
    plans: m.plans.map((p) => ({ name: `${m.id}:${p.name}`, description: p.description, price: { cents: p.price.cents, unit: p.price.unit } })),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
  };
}
