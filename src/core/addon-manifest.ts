/**
 * A third-party add-on provider's manifest (Heroku's `addon-manifest.json`, partner API v3, plus
 * the plans Heroku keeps in its Partner Portal), validated into Berth's shape. The manifest is
 * admin-supplied; what its provider answers is checked by partner-config.ts.
 */
import { invalidParams } from './errors.js';
import { CONFIG_VAR_NAME } from './config-vars.js';

export interface PartnerPlan {
  /** Short name within the service, e.g. `test`. */
  name: string;
  description: string;
  price: { cents: number; unit: 'month' | 'hour' };
}

export interface PartnerManifest {
  /** The add-on's slug: the service name (`myaddon`) and the Basic-auth user. */
  id: string;
  name: string;
  /** `MYADDON`: every config var is `MYADDON_<SUFFIX>`. */
  configVarsPrefix: string;
  /** Full names, e.g. `MYADDON_URL`; the only vars a provider may set. */
  configVars: string[];
  password: string;
  ssoSalt: string | null;
  /** Where `/heroku/resources` lives (no trailing slash). */
  baseUrl: string;
  regions: string[];
  version: '3';
  plans: PartnerPlan[];
}

const SLUG = /^[a-z][a-z0-9-]{1,49}$/;
/** Control characters (C0, DEL, C1) and the line/paragraph separators. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const PLAN_NAME = /^[a-z0-9][a-z0-9-]{0,49}$/;

const record = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
function text(where: string, value: unknown, max = 200): string {
  if (typeof value !== 'string' || value === '' || value.length > max || CONTROL.test(value)) {
    throw invalidParams(`Manifest ${where} must be a non-empty string of at most ${max} characters without control characters.`);
  }
  return value;
}

/** `my-addon` → `MY_ADDON` (Heroku's default `config_vars_prefix`). */
export const defaultConfigPrefix = (id: string): string => id.toUpperCase().replace(/-/g, '_');

function parsePlans(value: unknown): PartnerPlan[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidParams('Manifest plans must be a non-empty array like [{"name":"test","price":{"cents":0,"unit":"month"}}].');
  }
  const seen = new Set<string>();
  return value.map((plan, i) => {
    if (!record(plan)) throw invalidParams(`Manifest plans[${i}] must be an object with name and price.`);
    const name = text(`plans[${i}].name`, plan.name, 50);
    if (!PLAN_NAME.test(name)) throw invalidParams(`Manifest plan name ${JSON.stringify(name)} must be lower-case letters, digits and dashes (e.g. test, basic-10).`);
    if (seen.has(name)) throw invalidParams(`Manifest plan ${name} appears twice.`);
    seen.add(name);
    const price = record(plan.price) ? plan.price : { cents: 0, unit: 'month' };
    const cents = price.cents;
    if (typeof cents !== 'number' || !Number.isInteger(cents) || cents < 0) throw invalidParams(`Manifest plan ${name}: price.cents must be a whole number ≥ 0.`);
    const unit = price.unit ?? 'month';
    if (unit !== 'month' && unit !== 'hour') throw invalidParams(`Manifest plan ${name}: price.unit must be month or hour.`);
    const description = plan.description === undefined ? name : text(`plans[${i}].description`, plan.description);
    return { name, description, price: { cents, unit } };
  });
}

function parseBaseUrl(value: unknown): string {
  const raw = text('api.production.base_url', value, 500);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidParams(`Manifest api.production.base_url ${JSON.stringify(raw)} is not a URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalidParams('Manifest api.production.base_url must be an http or https URL.');
  if (url.username || url.password || url.search || url.hash) throw invalidParams('Manifest api.production.base_url must not carry credentials, a query or a fragment.');
  // Heroku's manifests name the resources endpoint itself; Berth calls {base}/heroku/resources.
  const path = url.pathname.replace(/\/+$/, '').replace(/\/heroku\/resources$/, '');
  return `${url.origin}${path}`;
}

/** Validates a manifest (parsed JSON) and returns it in Berth's shape; invalid_params names the rule. */
export function parseAddonManifest(input: unknown): PartnerManifest {
  if (!record(input)) throw invalidParams('The manifest must be a JSON object (Heroku’s addon-manifest.json).');
  const id = text('id', input.id, 50);
  if (!SLUG.test(id)) throw invalidParams(`Manifest id ${JSON.stringify(id)} must be 2–50 lower-case letters, digits and dashes, starting with a letter.`);
  if (id.startsWith('heroku-')) throw invalidParams(`Manifest id ${id} is reserved: heroku-* services are Berth’s own.`);
  const name = input.name === undefined ? id : text('name', input.name);
  const api = input.api;
  if (!record(api)) throw invalidParams('Manifest api must be an object with config_vars, password, production.base_url and version.');
  const version = api.version ?? '3';
  if (version !== '3') throw invalidParams(`Manifest api.version must be "3" (partner API v3), not ${JSON.stringify(version)}.`);
  const configVarsPrefix = api.config_vars_prefix === undefined ? defaultConfigPrefix(id) : text('api.config_vars_prefix', api.config_vars_prefix, 50);
  if (!CONFIG_VAR_NAME.test(configVarsPrefix)) throw invalidParams(`Manifest api.config_vars_prefix ${JSON.stringify(configVarsPrefix)} is not a valid config var name.`);
  if (!Array.isArray(api.config_vars) || api.config_vars.length === 0 || api.config_vars.length > 50) {
    throw invalidParams(`Manifest api.config_vars must list 1–50 names, e.g. ["${configVarsPrefix}_URL"].`);
  }
  const configVars = api.config_vars.map((v, i) => {
    const varName = text(`api.config_vars[${i}]`, v, 100);
    if (!CONFIG_VAR_NAME.test(varName) || !varName.startsWith(`${configVarsPrefix}_`) || varName.length === configVarsPrefix.length + 1) {
      throw invalidParams(`Manifest config var ${JSON.stringify(varName)} must be a valid name that starts with ${configVarsPrefix}_ (e.g. ${configVarsPrefix}_URL).`);
    }
    return varName;
  });
  if (new Set(configVars).size !== configVars.length) throw invalidParams('Manifest api.config_vars lists a name twice.');
  const password = text('api.password', api.password, 200);
  if (password.length < 8) throw invalidParams('Manifest api.password must be 8–200 characters (Heroku asks 8–72).');
  const ssoSalt = api.sso_salt === undefined || api.sso_salt === null ? null : text('api.sso_salt', api.sso_salt);
  const production = api.production;
  if (!record(production)) throw invalidParams('Manifest api.production must be an object with base_url.');
  const baseUrl = parseBaseUrl(production.base_url);
  const regions = api.regions === undefined ? ['us'] : Array.isArray(api.regions) ? api.regions.map((r, i) => text(`api.regions[${i}]`, r, 50)) : [];
  if (regions.length === 0) throw invalidParams('Manifest api.regions must be a non-empty array of region names (e.g. ["us", "eu"]).');
  return { id, name, configVarsPrefix, configVars, password, ssoSalt, baseUrl, regions, version: '3', plans: parsePlans(input.plans) };
}
