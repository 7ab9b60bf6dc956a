/**
 * A stack named in a request (`stack`, `build_stack`): this install's own names and ids, or a
 * Heroku name (`heroku-24`, `heroku-22`) that maps to berth-24. The mapping's one-line notice goes
 * back as a `Warning-Message` header, which the heroku CLI prints (and berth's CLI too).
 */
import { DEFAULT_STACK, resolveStack, stackChoices } from '../core/stacks.js';
import { PlatformError } from '../core/errors.js';

export interface StackParam {
  name: string;
  notice?: string;
}

export function stackParam(value: unknown, field = 'stack'): StackParam {
  if (value === undefined || value === null) return { name: DEFAULT_STACK.name };
  const requested = typeof value === 'string' ? value : typeof value === 'object' ? ((value as Record<string, unknown>).name ?? (value as Record<string, unknown>).id) : undefined;
  const resolved = typeof requested === 'string' ? resolveStack(requested) : undefined;
  if (!resolved) throw new PlatformError('invalid_params', `${field} ${JSON.stringify(requested ?? value)} is not a stack of this Berth: use one of ${stackChoices()}.`);
  return { name: resolved.stack.name, ...(resolved.notice ? { notice: resolved.notice } : {}) };
}

/** The Warning-Message header for a mapped name, if any. */
export function stackNoticeHeaders(...params: ReadonlyArray<StackParam | undefined>): Record<string, string> | undefined {
  const notices = params.map((p) => p?.notice).filter((n): n is string => n !== undefined);
  return notices.length > 0 ? { 'Warning-Message': notices[0] as string } : undefined;
}
