/**
 * The name of a branch's review app: `<app>-pr-<branch slug>`, always a valid app name. A branch
 * whose slug lost something (`feature/x` → `feature-x`, unicode, case) or that does not fit in 30
 * characters gets a short hash of the exact branch name, so two branches never share a name.
 */
import { APP_NAME_PATTERN } from './app-name.js';

const MAX = 30;

/** FNV-1a over UTF-16 code units, as 4 hex digits: stable, pure, enough to tell branches apart. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash >>> 0).toString(16).padStart(8, '0').slice(0, 4);
}

/** `feature/Ünïcode_X` → `feature-unicode-x`; empty when nothing usable is left. */
export function branchSlug(branch: string): string {
  return branch
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

export function reviewAppName(appName: string, branch: string): string {
  const slug = branchSlug(branch);
  const plain = `${appName}-pr-${slug}`;
  if (slug !== '' && slug === branch && plain.length <= MAX && APP_NAME_PATTERN.test(plain)) return plain;
  const hash = shortHash(branch);
  const head = `${appName}-pr-${slug}`.slice(0, MAX - hash.length - 1).replace(/-+$/, '');
  return `${head}-${hash}`;
}
