/**
 * app.json, the app manifest (Heroku's schema): parsed and validated in one pass that collects
 * every problem with its JSON path, so one message lists them all. Pure: no I/O.
 */
import { CONFIG_VAR_NAME } from './config-vars.js';
import { findDynoSize } from './dyno-size.js';
import { PROCESS_TYPE_PATTERN } from './procfile.js';

export interface ManifestEnvVar {
  value?: string;
  description?: string;
  /** Heroku's default: true (a variable without a value must then be given at setup). */
  required: boolean;
  generator?: 'secret';
}

export interface ManifestAddon {
  /** `service` or `service:plan`. */
  plan: string;
  /** Attachment name (`DATABASE`, `CACHE`), when given. */
  as?: string;
  options?: Record<string, unknown>;
}

export interface ManifestFormation {
  quantity?: number;
  size?: string;
}

/** What a setup uses of app.json (metadata such as logo and keywords is checked, then ignored). */
export interface AppManifest {
  name?: string;
  description?: string;
  env: Record<string, ManifestEnvVar>;
  formation: Record<string, ManifestFormation>;
  addons: ManifestAddon[];
  buildpacks: string[];
  stack?: string;
  scripts: { postdeploy?: string; 'pr-predestroy'?: string };
  successUrl?: string;
}

export interface ManifestProblem {
  /** JSON path of the offending value: `env.SECRET.generator`, `addons[2]`. */
  path: string;
  message: string;
}

export type ManifestEnvironment = 'review' | 'test';

const SECTION_KEYS = ['env', 'formation', 'addons', 'buildpacks', 'scripts', 'stack'] as const;
const PLAN = /^[a-z0-9][a-z0-9-]*(:[a-z0-9][a-z0-9-]*)?$/;
const ATTACHMENT_NAME = /^[A-Z][A-Z0-9_]*$/;
/** The largest quantity a manifest may ask for per process type (Heroku's own cap is 100). */
export const MAX_MANIFEST_QUANTITY = 100;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Parses app.json's text; `environment` merges `environments.<name>` over the top level (each of
 * env, formation, addons, buildpacks, scripts and stack replaced as a whole, as Heroku does).
 */
export function parseAppManifest(text: string, environment?: ManifestEnvironment): { manifest: AppManifest; problems: ManifestProblem[] } {
  const problems: ManifestProblem[] = [];
  const empty: AppManifest = { env: {}, formation: {}, addons: [], buildpacks: [], scripts: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    problems.push({ path: '$', message: `app.json is not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
    return { manifest: empty, problems };
  }
  if (!isObject(raw)) {
    problems.push({ path: '$', message: 'app.json must be a JSON object.' });
    return { manifest: empty, problems };
  }
  let source: Json = raw;
  if (raw.environments !== undefined && !isObject(raw.environments)) problems.push({ path: 'environments', message: 'must be an object such as {"review": {…}}.' });
  if (environment && isObject(raw.environments)) {
    const overlay = raw.environments[environment];
    if (overlay !== undefined && !isObject(overlay)) problems.push({ path: `environments.${environment}`, message: 'must be an object.' });
    else if (overlay) {
      source = { ...raw };
      for (const key of SECTION_KEYS) if (overlay[key] !== undefined) source[key] = overlay[key];
    }
  }
  const prefix = (key: string) => (environment && source !== raw && isObject(raw.environments) && isObject(raw.environments[environment]) && (raw.environments[environment] as Json)[key] !== undefined ? `environments.${environment}.${key}` : key);
  const manifest: AppManifest = {
    ...optionalText(raw, 'name', 30, problems),
    ...optionalText(raw, 'description', 4096, problems),
    env: parseEnv(source.env, prefix('env'), problems),
    formation: parseFormation(source.formation, prefix('formation'), problems),
    addons: parseAddons(source.addons, prefix('addons'), problems),
    buildpacks: parseBuildpacks(source.buildpacks, prefix('buildpacks'), problems),
    scripts: parseScripts(source.scripts, prefix('scripts'), problems),
    ...optionalText(source, 'stack', 64, problems, prefix('stack')),
  };
  const successUrl = optionalText(raw, 'success_url', 2048, problems).success_url;
  if (successUrl !== undefined) {
    if (!successUrl.startsWith('/') && !/^https?:\/\//.test(successUrl)) problems.push({ path: 'success_url', message: 'must be an absolute http(s) URL or a path starting with /.' });
    else manifest.successUrl = successUrl;
  }
  return { manifest, problems };
}

function optionalText(source: Json, key: string, max: number, problems: ManifestProblem[], path = key): Record<string, string> {
  const value = source[key];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string') {
    problems.push({ path, message: 'must be a string.' });
    return {};
  }
  if (value.length > max) {
    problems.push({ path, message: `is ${value.length} characters long; at most ${max} are allowed.` });
    return {};
  }
  return { [key]: value };
}

function parseEnv(value: unknown, path: string, problems: ManifestProblem[]): Record<string, ManifestEnvVar> {
  const env: Record<string, ManifestEnvVar> = {};
  if (value === undefined) return env;
  if (!isObject(value)) {
    problems.push({ path, message: 'must be an object of NAME: "value" or NAME: {"value", "required", "generator", "description"}.' });
    return env;
  }
  for (const [name, spec] of Object.entries(value)) {
    const at = `${path}.${name}`;
    if (!CONFIG_VAR_NAME.test(name)) {
      problems.push({ path: at, message: 'is not a valid config var name: use letters, digits and _, not starting with a digit.' });
      continue;
    }
    if (typeof spec === 'string') {
      env[name] = { value: spec, required: true };
      continue;
    }
    if (!isObject(spec)) {
      problems.push({ path: at, message: 'must be a string or an object with "value", "required", "generator" or "description".' });
      continue;
    }
    const entry: ManifestEnvVar = { required: true };
    const before = problems.length;
    if (spec.value !== undefined) {
      if (typeof spec.value !== 'string') problems.push({ path: `${at}.value`, message: 'must be a string.' });
      else entry.value = spec.value;
    }
    if (spec.description !== undefined) {
      if (typeof spec.description !== 'string') problems.push({ path: `${at}.description`, message: 'must be a string.' });
      else entry.description = spec.description;
    }
    if (spec.required !== undefined) {
      if (typeof spec.required !== 'boolean') problems.push({ path: `${at}.required`, message: 'must be true or false.' });
      else entry.required = spec.required;
    }
    if (spec.generator !== undefined) {
      if (spec.generator !== 'secret') problems.push({ path: `${at}.generator`, message: `${JSON.stringify(spec.generator)} is not a generator; the only one is "secret".` });
      else entry.generator = 'secret';
    }
    // A variable with a problem is left out: it is reported once, not again as missing.
    if (problems.length === before) env[name] = entry;
  }
  return env;
}

function parseFormation(value: unknown, path: string, problems: ManifestProblem[]): Record<string, ManifestFormation> {
  const formation: Record<string, ManifestFormation> = {};
  if (value === undefined) return formation;
  if (!isObject(value)) {
    problems.push({ path, message: 'must be an object such as {"web": {"quantity": 1, "size": "standard-1x"}}.' });
    return formation;
  }
  for (const [type, spec] of Object.entries(value)) {
    const at = `${path}.${type}`;
    if (!PROCESS_TYPE_PATTERN.test(type)) {
      problems.push({ path: at, message: 'is not a process type: use letters, digits, - and _.' });
      continue;
    }
    if (!isObject(spec)) {
      problems.push({ path: at, message: 'must be an object with "quantity" and/or "size".' });
      continue;
    }
    const entry: ManifestFormation = {};
    if (spec.quantity !== undefined) {
      if (typeof spec.quantity !== 'number' || !Number.isInteger(spec.quantity) || spec.quantity < 0 || spec.quantity > MAX_MANIFEST_QUANTITY) {
        problems.push({ path: `${at}.quantity`, message: `must be a whole number from 0 to ${MAX_MANIFEST_QUANTITY}.` });
      } else entry.quantity = spec.quantity;
    }
    if (spec.size !== undefined) {
      const size = typeof spec.size === 'string' ? findDynoSize(spec.size) : undefined;
      if (!size) problems.push({ path: `${at}.size`, message: `${JSON.stringify(spec.size)} is not a dyno size (eco, basic, standard-1x, standard-2x, performance-m, performance-l).` });
      else entry.size = size.name;
    }
    formation[type] = entry;
  }
  return formation;
}

function parseAddons(value: unknown, path: string, problems: ManifestProblem[]): ManifestAddon[] {
  const addons: ManifestAddon[] = [];
  if (value === undefined) return addons;
  if (!Array.isArray(value)) {
    problems.push({ path, message: 'must be an array of plans ("heroku-postgresql:essential-0") or {"plan", "as", "options"} objects.' });
    return addons;
  }
  value.forEach((entry, i) => {
    const at = `${path}[${i}]`;
    const spec: Json | undefined = typeof entry === 'string' ? { plan: entry } : isObject(entry) ? entry : undefined;
    if (!spec) {
      problems.push({ path: at, message: 'must be a plan string or an object with "plan".' });
      return;
    }
    if (typeof spec.plan !== 'string' || !PLAN.test(spec.plan)) {
      problems.push({ path: typeof entry === 'string' ? at : `${at}.plan`, message: `${JSON.stringify(spec.plan)} is not an add-on plan such as "heroku-postgresql" or "heroku-redis:mini".` });
      return;
    }
    const addon: ManifestAddon = { plan: spec.plan };
    if (spec.as !== undefined) {
      if (typeof spec.as !== 'string' || !ATTACHMENT_NAME.test(spec.as)) problems.push({ path: `${at}.as`, message: 'must be an attachment name in capitals, such as "DATABASE".' });
      else addon.as = spec.as;
    }
    if (spec.options !== undefined) {
      if (!isObject(spec.options)) problems.push({ path: `${at}.options`, message: 'must be an object.' });
      else addon.options = spec.options;
    }
    addons.push(addon);
  });
  return addons;
}

function parseBuildpacks(value: unknown, path: string, problems: ManifestProblem[]): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    problems.push({ path, message: 'must be an array of {"url": "…"} objects.' });
    return [];
  }
  const urls: string[] = [];
  value.forEach((entry, i) => {
    const url = isObject(entry) ? entry.url : undefined;
    if (typeof url !== 'string' || url === '' || url.length > 2048) problems.push({ path: `${path}[${i}].url`, message: 'must be a buildpack URL or name such as "heroku/nodejs".' });
    else urls.push(url);
  });
  return urls;
}

function parseScripts(value: unknown, path: string, problems: ManifestProblem[]): AppManifest['scripts'] {
  const scripts: AppManifest['scripts'] = {};
  if (value === undefined) return scripts;
  if (!isObject(value)) {
    problems.push({ path, message: 'must be an object such as {"postdeploy": "bin/setup"}.' });
    return scripts;
  }
  for (const key of ['postdeploy', 'pr-predestroy'] as const) {
    const script = value[key];
    if (script === undefined) continue;
    if (typeof script !== 'string' || script.trim() === '') problems.push({ path: `${path}.${key}`, message: 'must be a command line.' });
    else scripts[key] = script;
  }
  return scripts;
}

/**
 * The config vars a setup sets: an override wins, then the manifest's value, then a generated
 * secret; a required variable left without a value is a problem naming it.
 */
export function resolveManifestEnv(
  env: Record<string, ManifestEnvVar>,
  overrides: Record<string, string>,
  secret: () => string,
): { vars: Record<string, string>; problems: ManifestProblem[] } {
  const vars: Record<string, string> = {};
  const problems: ManifestProblem[] = [];
  for (const [name, spec] of Object.entries(env)) {
    const value = overrides[name] ?? spec.value ?? (spec.generator === 'secret' ? secret() : undefined);
    if (value !== undefined) vars[name] = value;
    else if (spec.required) problems.push({ path: `env.${name}`, message: `is required and has no value: give it with overrides.env (berth setup --env ${name}=…)${spec.description ? ` — ${spec.description}` : ''}.` });
  }
  for (const [name, value] of Object.entries(overrides)) if (!(name in vars)) vars[name] = value;
  return { vars, problems };
}

/** One message listing every problem, for failure_message and the CLI. */
export function describeManifestProblems(problems: ManifestProblem[]): string {
  return `app.json has ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`;
}
