/**
 * What a third-party provider may tell Berth (sync provision answer, plan change,
 * `PATCH /addons/:id/config`): only its manifest's config vars, as bounded text without control
 * characters, and messages cleaned for display. Provider answers are untrusted.
 */
import { CONTROL, type PartnerManifest } from './addon-manifest.js';

/** Longest config value a provider may hand out (a URL with credentials fits easily). */
export const MAX_PARTNER_CONFIG_VALUE = 4096;

/** The suffix the framework appends to each attachment name: `MYADDON_URL` → `URL`. */
export const configVarSuffix = (manifest: PartnerManifest, name: string): string => name.slice(manifest.configVarsPrefix.length + 1);

/**
 * A provider's config (sync provision answer, plan change, `PATCH /addons/:id/config`) checked
 * against the manifest: only its config vars, each a string without control characters and of
 * bounded length. Returns suffixes → values, or the reason it is refused.
 */
export function checkPartnerConfig(manifest: PartnerManifest, config: Record<string, unknown>): { ok: true; config: Record<string, string> } | { ok: false; reason: string } {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(config)) {
    if (!manifest.configVars.includes(name)) {
      return { ok: false, reason: `config var ${JSON.stringify(name.slice(0, 100))} is not in the manifest (allowed: ${manifest.configVars.join(', ')})` };
    }
    if (typeof value !== 'string') return { ok: false, reason: `config var ${name} is not a string` };
    if (value.length > MAX_PARTNER_CONFIG_VALUE) return { ok: false, reason: `config var ${name} is longer than ${MAX_PARTNER_CONFIG_VALUE} characters` };
    if (CONTROL.test(value)) return { ok: false, reason: `config var ${name} contains control characters` };
    out.push([configVarSuffix(manifest, name), value]);
  }
  return { ok: true, config: Object.fromEntries(out) };
}

/** A provider's message, made safe to show: control characters out, at most 500 characters. */
export function partnerMessage(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();
  return clean === '' ? undefined : clean.length > 500 ? `${clean.slice(0, 499)}…` : clean;
}
