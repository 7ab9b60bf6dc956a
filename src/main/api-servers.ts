/**
 * The API's HTTP and HTTPS servers with the limits a public listener needs: a request head must
 * arrive within `headersTimeoutMs` (slowloris), a TLS handshake within the same time, at most
 * `maxConnections` open at once (further ones are closed at once), idle keep-alive connections
 * closed after 5 s. Bodies have no overall deadline here: git pushes may upload for minutes and
 * the git service bounds them itself; JSON bodies have their own deadline (api/body.ts).
 */
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';

export interface ApiServerLimits {
  headersTimeoutMs: number;
  maxConnections: number;
  /** How often Node checks for expired request heads (Node's default is 30 s). */
  checkEveryMs: number;
}

export const DEFAULT_API_LIMITS: ApiServerLimits = { headersTimeoutMs: 15_000, maxConnections: 1024, checkEveryMs: 1_000 };

export function createApiServers(tls: { cert: string | Buffer; key: string | Buffer }, limits: ApiServerLimits = DEFAULT_API_LIMITS): { http: Server; https: HttpsServer } {
  const common = {
    requestTimeout: 0,
    headersTimeout: limits.headersTimeoutMs,
    keepAliveTimeout: 5_000,
    connectionsCheckingInterval: limits.checkEveryMs,
  };
  const http = createHttpServer(common);
  const https = createHttpsServer({ ...common, ...tls, handshakeTimeout: limits.headersTimeoutMs });
  http.maxConnections = limits.maxConnections;
  https.maxConnections = limits.maxConnections;
  return { http, https };
}
