// In-process calls of the API's own routes, as an account: how long-running API work (app
// setups) drives the platform through the same validated paths, errors and logs as a client.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { PlatformError } from '../core/errors.js';
import type { Account } from '../core/model.js';
import type { ApiDeps, RequestContext, Route } from './context.js';
import type { RouteMatcher } from './route-matcher.js';
import type { AppPolicy } from '../accounts/app-policy.js';
import { admit, assertChecked } from './admit.js';

export interface InternalApi {
  /** Calls `method path` as `account` with a JSON body, under the route's access rule; resolves with the reply's body, rejects with the route's PlatformError. */
  call<T = unknown>(account: Account, method: Route['method'], path: string, body?: Record<string, unknown>): Promise<T>;
}

/**
 * The routes behind `table`, callable in-process. Only JSON routes make sense here: the request
 * has no socket and no headers, and whatever a route sets on the response is dropped.
 */
export function createInternalApi(table: RouteMatcher, deps: ApiDeps, policy: AppPolicy): InternalApi {
  const api: InternalApi = {
    async call<T>(account: Account, method: Route['method'], path: string, body: Record<string, unknown> = {}): Promise<T> {
      const url = new URL(path, 'http://api.invalid');
      const found = table.match(method, url.pathname);
      if (!found || 'allowed' in found) throw new PlatformError('not_found', `No API route ${method} ${url.pathname}.`);
      const req = { method, url: path, headers: {} } as unknown as IncomingMessage;
      const res = { setHeader: () => undefined, getHeader: () => undefined } as unknown as ServerResponse;
      // The same policy table as over HTTP: the account may do only what it could do itself.
      const access = await admit(found.route, found.params, account, policy);
      const ctx: RequestContext = { req, res, requestId: randomUUID(), url, params: found.params, deps, internal: api, account, access, body: async () => body };
      const reply = await found.route.handler(ctx);
      assertChecked(found.route, access, reply);
      return reply.body as T;
    },
  };
  return api;
}
