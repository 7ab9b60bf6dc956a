import { PlatformError } from './errors.js';

/** Config vars: a release is a slug plus this map (Heroku: "config vars are env vars"). */
export type ConfigVars = Record<string, string>;

export const CONFIG_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The whole config of one app, names plus values, in UTF-8 bytes. */
export const MAX_CONFIG_BYTES = 32 * 1024;

const NAME_RULE = 'Config var names start with a letter or underscore and contain only letters, digits and underscores (e.g. DATABASE_URL).';
/** A UTF-16 surrogate half without its partner: it has no UTF-8 encoding. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Bytes of `text` in UTF-8 (pure: no TextEncoder, no Buffer). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function configSize(vars: ConfigVars): number {
  let total = 0;
  for (const [name, value] of Object.entries(vars)) total += utf8Length(name) + utf8Length(value);
  return total;
}

export interface ConfigChange {
  /** The whole config after the patch. */
  next: ConfigVars;
  /** Names whose value is new or different, in patch order. */
  set: string[];
  /** Names that existed and were deleted, in patch order. */
  removed: string[];
}

/** Names the dyno launcher itself passes through the environment; an app may not set them. */
export const RESERVED_CONFIG_PREFIX = '__BERTH_';

function checkName(name: string, value: unknown): void {
  if (!CONFIG_VAR_NAME.test(name)) throw new PlatformError('invalid_params', `Config var name ${JSON.stringify(name)} is invalid. ${NAME_RULE}`);
  // Removing one (null) stays possible, should an old release carry it.
  if (value !== null && name.toUpperCase().startsWith(RESERVED_CONFIG_PREFIX)) {
    throw new PlatformError('invalid_params', `Config var name ${name} is reserved: names starting with ${RESERVED_CONFIG_PREFIX} belong to Berth's dyno launcher. Pick another name.`);
  }
}

function checkValue(name: string, value: unknown): asserts value is string | null {
  if (value === null) return;
  if (typeof value !== 'string') {
    throw new PlatformError('invalid_params', `Config var ${name} must be a string (or null to remove it), not ${Array.isArray(value) ? 'an array' : typeof value}. Quote numbers and booleans: "${name}": "1".`);
  }
  if (value.includes('\0')) throw new PlatformError('invalid_params', `Config var ${name} contains a NUL character, which environment variables cannot hold. Remove it from the value.`);
  if (LONE_SURROGATE.test(value)) throw new PlatformError('invalid_params', `Config var ${name} is not valid UTF-8 text (it holds an unpaired surrogate). Send valid UTF-8.`);
}

/**
 * Applies a PATCH body to the current config: a string sets, `null` deletes. Validates every
 * name and value and the 32 KB total, throwing invalid_params with the rule; never echoes values.
 */
export function applyConfigPatch(current: ConfigVars, patch: Record<string, unknown>): ConfigChange {
  // A null prototype, so a var named __proto__ or constructor is just a var.
  const next: ConfigVars = Object.assign(Object.create(null) as ConfigVars, current);
  const set: string[] = [];
  const removed: string[] = [];
  for (const [name, value] of Object.entries(patch)) {
    checkName(name, value);
    checkValue(name, value);
    if (value === null) {
      if (Object.hasOwn(next, name)) {
        delete next[name];
        removed.push(name);
      }
    } else if (next[name] !== value) {
      next[name] = value;
      set.push(name);
    }
  }
  const size = configSize(next);
  if (size > MAX_CONFIG_BYTES) {
    throw new PlatformError('invalid_params', `Config vars would total ${size} bytes, over the limit of ${MAX_CONFIG_BYTES} bytes (32 KB) per app, names and values counted. Store large data elsewhere (a file in the slug, or an add-on) and put its location in a config var.`);
  }
  return { next, set, removed };
}

/** Heroku's release description: `Set FOO, BAR config vars`, `Remove FOO config vars`. */
export function describeConfigChange(change: Pick<ConfigChange, 'set' | 'removed'>): string {
  const { set, removed } = change;
  if (set.length > 0 && removed.length > 0) return `Set ${set.join(', ')} and remove ${removed.join(', ')} config vars`;
  if (removed.length > 0) return `Remove ${removed.join(', ')} config vars`;
  return `Set ${set.join(', ')} config vars`;
}
