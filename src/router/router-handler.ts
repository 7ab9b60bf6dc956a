import type { IncomingMessage, ServerResponse } from 'node:http';
import { appNameFromHost, routerCodes, type RouterCode } from '../core/router-codes.js';
import { errorPage, noSuchAppPage } from './error-page.js';

export interface RouteEntry {
  app: string;
  maintenance: boolean;
}

export interface RouterDeps {
  domain: string;
  /** The current route for an app name, or undefined when no such app exists. */
  lookup(appName: string): Promise<RouteEntry | undefined>;
}

function sendPage(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-cache, no-store' });
  res.end(body);
}

/**
 * The routing decision (lookup phase). Apps have no dynos until the dynos issue lands, so a
 * known app answers H14, or H80 in maintenance mode.
 */
export function createRouterHandler(deps: RouterDeps): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const name = appNameFromHost(req.headers.host, deps.domain);
    const route = name === undefined ? Promise.resolve(undefined) : deps.lookup(name);
    route.then(
      (entry) => {
        if (!entry) return sendPage(res, 404, noSuchAppPage());
        const code: RouterCode = entry.maintenance ? 'H80' : 'H14';
        sendPage(res, routerCodes[code].status, errorPage(code));
      },
      () => sendPage(res, routerCodes.H99.status, errorPage('H99')),
    );
  };
}
