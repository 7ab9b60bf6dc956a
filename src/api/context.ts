import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Account, Authorization } from '../core/model.js';
import type { Accounts } from '../accounts/accounts-service.js';
import type { Store } from '../store/port.js';

/** Everything the API needs from the composition root. */
export interface ApiDeps {
  store: Store;
  accounts: Accounts;
  urls: {
    /** `http://<app>.<domain>:<router port>/` */
    webUrl(appName: string): string;
    /** `https://<git host>/<app>.git` */
    gitUrl(appName: string): string;
  };
  /** Requests per account per hour (Heroku: 4500). */
  rateLimitPerHour: number;
  /** Largest JSON body accepted, in bytes. */
  maxBodyBytes: number;
  log(event: Record<string, unknown>): void;
  now(): Date;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  requestId: string;
  url: URL;
  params: Record<string, string>;
  deps: ApiDeps;
  /** Set for every route that requires authentication. */
  account: Account;
  authorization?: Authorization;
  body(): Promise<Record<string, unknown>>;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** How a route authenticates: an API key, Basic email:password or a key, or nothing. */
export type AuthMode = 'key' | 'login' | 'none';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  auth?: AuthMode;
  handler(ctx: RequestContext): Promise<Reply>;
}
