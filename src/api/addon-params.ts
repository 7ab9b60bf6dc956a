import { PlatformError } from '../core/errors.js';

/**
 * Request fields of the add-on endpoints. Identities arrive as a string or as `{"id"}` /
 * `{"name"}` objects (the official CLI sends `"plan": {"name": "heroku-redis:mini"}`).
 */

/** A required identity: `"x"`, `{"name": "x"}` or `{"id": "x"}`. */
export function identityField(body: Record<string, unknown>, field: string, example: string): string {
  const value = body[field];
  const text = typeof value === 'string' ? value : typeof value === 'object' && value !== null && !Array.isArray(value) ? ((value as Record<string, unknown>).id ?? (value as Record<string, unknown>).name) : undefined;
  if (typeof text !== 'string' || text.trim() === '' || text.length > 256) throw new PlatformError('invalid_params', `${field} is required: a name or id, e.g. {"${field}": "${example}"}.`);
  return text.trim();
}

/** An optional string field (null and absent are the same); invalid_params when not a string. */
export function optionalText(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > 256) throw new PlatformError('invalid_params', `${field} must be a string of at most 256 characters.`);
  return value;
}

/** `"attachment": {"name": "CACHE"}` → `CACHE`. */
export function attachmentNameField(body: Record<string, unknown>): string | undefined {
  const attachment = body.attachment;
  if (attachment === undefined || attachment === null) return undefined;
  if (typeof attachment !== 'object' || Array.isArray(attachment)) throw new PlatformError('invalid_params', 'attachment must be an object, e.g. {"attachment": {"name": "CACHE"}}.');
  return optionalText(attachment as Record<string, unknown>, 'name');
}

/** Provider options (`addons:create … -- --key value`): strings, numbers and booleans, as strings. */
export function providerOptions(body: Record<string, unknown>): Record<string, string> {
  const config = body.config;
  if (config === undefined || config === null) return {};
  if (typeof config !== 'object' || Array.isArray(config)) throw new PlatformError('invalid_params', 'config must be an object of options, e.g. {"config": {"version": "16"}}.');
  const options: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(key)) throw new PlatformError('invalid_params', `Option name ${JSON.stringify(key.slice(0, 64))} is invalid: letters, digits, dots, dashes and underscores.`);
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') throw new PlatformError('invalid_params', `Option ${key} must be a string, number or boolean.`);
    options[key] = String(value);
  }
  return options;
}

/** `true` for `"force": true`; invalid_params for anything but a boolean. */
export function forceField(body: Record<string, unknown>): boolean {
  const value = body.force;
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw new PlatformError('invalid_params', 'force must be true or false.');
  return value;
}

/** `app::NAME` (the official CLI's qualified form) → the app and the name. */
export function splitQualified(identity: string): { app?: string; name: string } {
  const at = identity.indexOf('::');
  return at < 0 ? { name: identity } : { app: identity.slice(0, at), name: identity.slice(at + 2) };
}
