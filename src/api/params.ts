import { PlatformError } from '../core/errors.js';

/** Small validators for request bodies: each names the field and the rule it breaks. */

/** Control characters (C0, DEL, C1): they reach terminals and log lines, where they forge or hide text. */
const LINE_CONTROL = /[\x00-\x1f\x7f-\x9f]/;
/** The same, but newline and tab are fine in multi-line text such as a commit message. */
const TEXT_CONTROL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/**
 * A string field of at most `maxLength` characters. `line` text (names, descriptions, versions,
 * URLs) holds no control character at all; `text` (commit messages) may hold newlines and tabs.
 */
export function optionalString(body: Record<string, unknown>, field: string, maxLength: number, kind: 'line' | 'text' = 'line'): string | null | undefined {
  const value = body[field];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string') throw new PlatformError('invalid_params', `${field} must be a string.`);
  if (value.length > maxLength) throw new PlatformError('invalid_params', `${field} is ${value.length} characters long, over the limit of ${maxLength}.`);
  const control = (kind === 'line' ? LINE_CONTROL : TEXT_CONTROL).exec(value);
  if (control) {
    const code = `U+${(control[0].codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
    throw new PlatformError('invalid_params', `${field} must not contain control characters (found ${code}${kind === 'text' ? '; newlines and tabs are fine' : ''}).`);
  }
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
