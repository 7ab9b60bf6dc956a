import { createHash, randomBytes } from 'node:crypto';

/** API keys look like `berth_<43 base64url chars>` (256 bits); only their SHA-256 is stored. */
export function generateApiKey(): string {
  return `berth_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}
