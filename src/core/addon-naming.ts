import { PlatformError } from './errors.js';
import type { CatalogService } from './addon-catalog.js';

/**
 * How add-ons and attachments are named (pure): generated add-on names
 * (`postgresql-curved-12345`), attachment names (`DATABASE`, then `HEROKU_POSTGRESQL_AMBER`),
 * the config vars an attachment sets (`DATABASE` + `URL` → `DATABASE_URL`) and the release
 * descriptions of attaching and detaching.
 */

export const ADDON_NAME_PATTERN = /^[a-zA-Z][A-Za-z0-9_-]{1,63}$/;
export const ATTACHMENT_NAME_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;

const ADJECTIVES = [
  'acute', 'angular', 'clean', 'closed', 'concave', 'convex', 'crystalline', 'cubic', 'curved', 'deep',
  'defined', 'dimensional', 'encircled', 'flat', 'fluffy', 'horizontal', 'infinite', 'lively', 'objective',
  'opaque', 'parallel', 'polished', 'rigid', 'round', 'shaped', 'silhouetted', 'solid', 'spherical',
  'symmetrical', 'tetrahedral', 'transparent', 'triangular', 'vertical',
];

/** Attachment colours, as Heroku uses them for `HEROKU_POSTGRESQL_<COLOR>`. */
export const ATTACHMENT_COLORS = [
  'AMBER', 'AQUA', 'BLACK', 'BLUE', 'BRONZE', 'BROWN', 'CHARCOAL', 'COBALT', 'COPPER', 'CRIMSON', 'CYAN',
  'GOLD', 'GRAY', 'GREEN', 'IVORY', 'JADE', 'LIME', 'MAGENTA', 'MAROON', 'MAUVE', 'NAVY', 'OLIVE', 'ONYX',
  'ORANGE', 'PINK', 'PUCE', 'PURPLE', 'RED', 'ROSE', 'SILVER', 'TEAL', 'VIOLET', 'WHITE', 'YELLOW',
] as const;

/** `postgresql-curved-12345`; `random` returns a float in [0, 1). */
export function randomAddonName(service: Pick<CatalogService, 'namePrefix'>, random: () => number): string {
  const adjective = ADJECTIVES[Math.floor(random() * ADJECTIVES.length)] as string;
  return `${service.namePrefix}-${adjective}-${Math.floor(random() * 90000) + 10000}`;
}

export function validateAddonName(value: unknown): string {
  if (typeof value !== 'string' || !ADDON_NAME_PATTERN.test(value)) {
    throw new PlatformError('invalid_params', `Add-on name ${JSON.stringify(value)} is invalid: start with a letter, then letters, digits, dashes or underscores, 2 to 64 characters (e.g. my-database).`);
  }
  return value;
}

export function validateAttachmentName(value: unknown): string {
  if (typeof value !== 'string' || !ATTACHMENT_NAME_PATTERN.test(value)) {
    const hint = typeof value === 'string' && ATTACHMENT_NAME_PATTERN.test(value.toUpperCase()) ? ` Did you mean ${value.toUpperCase()}?` : '';
    throw new PlatformError('invalid_params', `Attachment name ${JSON.stringify(value)} is invalid: upper-case letters, digits and underscores, starting with a letter (e.g. DATABASE, CACHE); the config vars are named after it (CACHE_URL).${hint}`);
  }
  return value;
}

/**
 * The name of a new attachment of `service` on an app whose attachments are `taken`: the
 * service's own name (`DATABASE`) when free, else `<colorPrefix>_<COLOR>` with an unused colour.
 */
export function defaultAttachmentName(service: Pick<CatalogService, 'attachmentName' | 'colorPrefix'>, taken: ReadonlySet<string>, random: () => number): string {
  if (!taken.has(service.attachmentName)) return service.attachmentName;
  const free = ATTACHMENT_COLORS.map((c) => `${service.colorPrefix}_${c}`).filter((n) => !taken.has(n));
  if (free.length === 0) throw new PlatformError('invalid_params', `The app has no free ${service.colorPrefix}_<COLOR> attachment name left; name the attachment yourself (--as NAME).`);
  return free[Math.floor(random() * free.length)] as string;
}

/** The config vars an attachment named `name` sets for an add-on's config suffixes. */
export function attachmentConfigVars(name: string, config: Readonly<Record<string, string>>): Record<string, string> {
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [suffix, value] of Object.entries(config)) vars[`${name}_${suffix}`] = value;
  return vars;
}

/** Names of the vars `attachmentConfigVars` would set for these suffixes. */
export const attachmentVarNames = (name: string, suffixes: Iterable<string>): string[] => [...suffixes].map((s) => `${name}_${s}`);

export const describeAttach = (attachment: string, addon: string): string => `Attach ${attachment} (${addon})`;
export const describeDetach = (attachment: string, addon: string): string => `Detach ${attachment} (${addon})`;
export const describePlanChange = (addon: string, plan: string): string => `Upgrade ${addon} to ${plan}`;
