/** A registered add-on provider as `/addon-providers` returns it (a Berth extension). */
export interface AddonProviderJson {
  id: string;
  name: string;
  api: { config_vars_prefix: string; config_vars: string[]; regions: string[]; production: { base_url: string }; version: string; sso: boolean };
  plans: { name: string; description: string; price: { cents: number; unit: string } }[];
  created_at: string;
  updated_at: string;
}

/** `$5/month`, `free`, `$0.02/hour`. */
export function formatPartnerPrice(price: { cents: number; unit: string }): string {
  return price.cents === 0 ? 'free' : `$${(price.cents / 100).toFixed(price.cents % 100 === 0 ? 0 : 2)}/${price.unit}`;
}
