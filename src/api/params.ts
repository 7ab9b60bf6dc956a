import { PlatformError } from '../core/errors.js';

/** Small validators for request bodies: each names the field and the rule it breaks. */

export function optionalString(body: Record<string, unknown>, field: string, maxLength: number): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw new PlatformError('invalid_params', `${field} must be a string.`);
  if (value.length > maxLength) throw new PlatformError('invalid_params', `${field} is ${value.length} characters long, over the limit of ${maxLength}.`);
  if (value.includes('\0')) throw new PlatformError('invalid_params', `${field} must not contain NUL characters.`);
  return value;
}

export function optionalObject(body: Record<string, unknown>, field: string): Record<string, unknown> | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new PlatformError('invalid_params', `${field} must be a JSON object.`);
  return value as Record<string, unknown>;
}

const CHECKSUM = /^SHA256:([0-9a-fA-F]{64})$/;

/** `SHA256:<64 hex digits>` (Heroku's checksum format), normalized to lowercase hex. */
export function optionalChecksum(body: Record<string, unknown>, field: string): string | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  const match = typeof value === 'string' ? CHECKSUM.exec(value) : null;
  if (!match) throw new PlatformError('invalid_params', `${field} must look like "SHA256:" followed by 64 hex digits (the SHA-256 of the .tgz), got ${JSON.stringify(value)}.`);
  return `SHA256:${(match[1] as string).toLowerCase()}`;
}

/** A `{"updates": [...]}` array of objects, 1..max long. */
export function updatesArray(body: Record<string, unknown>, max: number, allowEmpty = false): Record<string, unknown>[] {
  const updates = body.updates;
  if (!Array.isArray(updates)) throw new PlatformError('invalid_params', 'updates must be an array, e.g. {"updates": [...]}.');
  if (updates.length === 0 && !allowEmpty) throw new PlatformError('invalid_params', 'updates must not be empty.');
  if (updates.length > max) throw new PlatformError('invalid_params', `updates has ${updates.length} entries, over the limit of ${max}.`);
  for (const [i, update] of updates.entries()) {
    if (typeof update !== 'object' || update === null || Array.isArray(update)) throw new PlatformError('invalid_params', `updates[${i}] must be a JSON object.`);
  }
  return updates as Record<string, unknown>[];
}
