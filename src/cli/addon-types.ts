/** The parts of the add-on resources the CLI reads (full shapes: src/api/serialize-addons.ts). */

export interface PriceJson {
  cents: number;
  unit: string;
}

export interface AddonJson {
  id: string;
  name: string;
  app: { id: string; name: string };
  addon_service: { id: string; name: string; human_name?: string };
  plan: { id: string; name: string; price?: PriceJson };
  config_vars: string[];
  provision_message: string | null;
  state: 'provisioning' | 'provisioned' | 'deprovisioned' | 'failed';
  berth_state_message?: string | null;
  created_at: string;
}

export interface AttachmentJson {
  id: string;
  name: string;
  app: { id: string; name: string };
  addon: { id: string; name: string; app: { id: string; name: string }; plan?: { name: string } };
  config_vars: string[];
}

export interface ServiceJson {
  id: string;
  name: string;
  human_name: string;
  state: string;
}

export interface PlanJson {
  id: string;
  name: string;
  human_name: string;
  default: boolean;
  price: PriceJson;
  berth_limits?: { connections: number | null; storage_bytes: number | null; maxmemory_bytes: number | null };
}

/** `$5/month`, `free`. */
export function formatPrice(price: PriceJson | undefined): string {
  if (!price) return '';
  if (price.cents === 0) return 'free';
  const dollars = price.cents % 100 === 0 ? String(price.cents / 100) : (price.cents / 100).toFixed(2);
  return `$${dollars}/${price.unit}`;
}

/** What users call the states (as the official CLI shows them). */
export function formatAddonState(state: AddonJson['state']): string {
  return { provisioning: 'creating', provisioned: 'created', deprovisioned: 'destroyed', failed: 'failed' }[state] ?? state;
}
