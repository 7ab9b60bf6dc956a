import { PlatformError } from './errors.js';

/** Heroku's app name rule. */
export const APP_NAME_PATTERN = /^[a-z][a-z0-9-]{1,28}[a-z0-9]$/;
export const APP_NAME_RULE =
  'Name must start with a letter, end with a letter or digit, and contain only lowercase letters, digits and dashes; 3 to 30 characters.';

export function validateAppName(name: unknown): string {
  if (typeof name !== 'string' || !APP_NAME_PATTERN.test(name)) {
    throw new PlatformError('invalid_params', `Name ${JSON.stringify(name)} is invalid. ${APP_NAME_RULE}`);
  }
  return name;
}

const ADJECTIVES = [
  'amber', 'brisk', 'calm', 'damp', 'eager', 'fuzzy', 'gentle', 'hidden', 'icy', 'jolly', 'keen', 'lively',
  'mellow', 'nimble', 'odd', 'polar', 'quiet', 'rapid', 'shy', 'tidy', 'upbeat', 'vast', 'warm', 'young',
];
const NOUNS = [
  'anchor', 'buoy', 'cove', 'dock', 'estuary', 'fjord', 'galley', 'harbor', 'inlet', 'jetty', 'keel', 'lagoon',
  'mast', 'oar', 'pier', 'quay', 'reef', 'sail', 'tide', 'wharf',
];

/** A Heroku-style random name (`nimble-harbor-40213`); `random` returns a float in [0, 1). */
export function randomAppName(random: () => number): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const digits = String(Math.floor(random() * 90000) + 10000);
  return `${pick(ADJECTIVES)}-${pick(NOUNS)}-${digits}`;
}
