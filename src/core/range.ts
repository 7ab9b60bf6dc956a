import { PlatformError } from './errors.js';

/**
 * Heroku's `Range` header for list endpoints:
 *   `<field> [start]..[end][; max=N][, order=asc|desc]`
 * Options may be separated by `;` or `,` (the official CLI sends both forms, sometimes with a
 * trailing `;`). A start of `]value` is exclusive: that is how `Next-Range` continues a page.
 */
export interface PageRequest {
  field: string;
  start?: string;
  startExclusive: boolean;
  end?: string;
  max: number;
  order: 'asc' | 'desc';
}

export const DEFAULT_PAGE_SIZE = 200;
export const MAX_PAGE_SIZE = 1000;

export function defaultPage(field: string): PageRequest {
  return { field, startExclusive: false, max: DEFAULT_PAGE_SIZE, order: 'asc' };
}

export function parseRange(header: string | undefined, fields: readonly string[], fallback: PageRequest): PageRequest {
  if (header === undefined || header.trim() === '') return fallback;
  const bad = (why: string) =>
    new PlatformError('bad_request', `Invalid Range header ${JSON.stringify(header)}: ${why}. Example: "${fields[0]} ..; max=200, order=asc".`);
  const match = /^\s*([a-z_]+)\s*(.*)$/s.exec(header);
  if (!match) throw bad('it must start with a field name');
  const field = match[1] as string;
  if (!fields.includes(field)) throw bad(`this list can be ranged by ${fields.join(', ')} only`);
  const [span = '', ...optionParts] = (match[2] as string).split(';');
  const page: PageRequest = { ...fallback, field, start: undefined, end: undefined, startExclusive: false };
  const spanText = span.trim();
  if (spanText !== '') {
    const dots = spanText.indexOf('..');
    if (dots < 0) throw bad('the range needs "..", as in "name a..z" or "id .."');
    let start = spanText.slice(0, dots).trim();
    const end = spanText.slice(dots + 2).trim();
    if (start.startsWith(']')) {
      page.startExclusive = true;
      start = start.slice(1);
    }
    if (start !== '') page.start = start;
    if (end !== '') page.end = end;
  }
  for (const option of optionParts.join(',').split(',')) {
    const text = option.trim();
    if (text === '') continue;
    const [key, value = ''] = text.split('=').map((s) => s.trim());
    if (key === 'max') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw bad('max must be a positive integer');
      page.max = Math.min(Number(value), MAX_PAGE_SIZE);
    } else if (key === 'order') {
      if (value !== 'asc' && value !== 'desc') throw bad('order must be asc or desc');
      page.order = value;
    } else {
      throw bad(`unknown option ${JSON.stringify(key)}`);
    }
  }
  return page;
}

/** The `Next-Range` header value continuing after `last` (opaque to clients, echoed back). */
export function nextRange(page: PageRequest, last: string): string {
  return `${page.field} ]${last}..; max=${page.max}, order=${page.order}`;
}
