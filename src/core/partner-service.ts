import type { AddonServiceSpec } from './addon-catalog.js';
import type { PartnerManifest } from './addon-manifest.js';
import { configVarSuffix } from './partner-config.js';

/**
 * The catalog entry of a partner's service: named by the manifest's id, attached as its config
 * vars' prefix (`ACME_KV` → `ACME_KV_URL`; later attachments `ACME_KV_<COLOR>_URL`), plans from
 * the manifest (the first is the default; hourly prices shown per month of 720 hours).
 */
export function partnerServiceSpec(manifest: PartnerManifest): AddonServiceSpec {
  return {
    name: manifest.id,
    humanName: manifest.name,
    aliases: [],
    namePrefix: manifest.id,
    attachmentName: manifest.configVarsPrefix,
    colorPrefix: manifest.configVarsPrefix,
    configVarSuffixes: manifest.configVars.map((name) => configVarSuffix(manifest, name)),
    supportsSharing: true,
    supportsMultipleInstallations: true,
    plans: manifest.plans.map((plan, i) => ({
      name: plan.name,
      humanName: plan.description,
      description: plan.description,
      priceCents: plan.price.unit === 'hour' ? plan.price.cents * 720 : plan.price.cents,
      ...(i === 0 ? { default: true } : {}),
      limits: {},
    })),
  };
}
