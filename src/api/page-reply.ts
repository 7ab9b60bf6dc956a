import { defaultPage, nextRange, parseRange } from '../core/range.js';
import type { Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';
import type { Reply, RequestContext } from './context.js';

export function pageRequest(ctx: RequestContext, fields: readonly string[], fallback: PageRequest = defaultPage(fields[0] as string)): PageRequest {
  const header = ctx.req.headers['range'];
  return parseRange(Array.isArray(header) ? header[0] : header, fields, fallback);
}

/** 200 with the whole list, or 206 with `Next-Range` when more items follow. */
export function pageReply<T>(page: PageRequest, result: Page<unknown>, body: T[]): Reply {
  if (result.nextAfter === undefined) return { status: 200, body };
  return {
    status: 206,
    body,
    headers: {
      'Next-Range': nextRange(page, result.nextAfter),
      'Content-Range': `${page.field} ${describe(body, page)}`,
    },
  };
}

function describe(body: unknown[], page: PageRequest): string {
  const first = body[0] as Record<string, unknown> | undefined;
  const last = body[body.length - 1] as Record<string, unknown> | undefined;
  return `${String(first?.[page.field] ?? '')}..${String(last?.[page.field] ?? '')}; max=${page.max}`;
}
