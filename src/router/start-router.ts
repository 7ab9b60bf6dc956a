import { createServer as createNetServer, type AddressInfo, type Server } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { RouteDiff, RouteSnapshot } from '../core/route-table.js';
import type { PageFetcher } from './custom-pages.js';
import { RouterEngine } from './router-engine.js';
import type { RouterOptions } from './router-options.js';
import { createNamedTlsServer } from './named-tls-server.js';
import { createSniCallback, type CertificateResolver, type SniCallback } from './sni.js';

export interface RouterTls {
  /** The default certificate (e.g. `*.<domain>` from the local CA), PEM. */
  cert: string;
  key: string;
  /** Per-hostname certificates (custom domains, or per-app names minted on demand). */
  resolveCertificate?: CertificateResolver;
}

export interface StartRouterOptions {
  port: number;
  host: string;
  /** HTTPS listener (needs `tls`). */
  tlsPort?: number;
  tls?: RouterTls;
  table: RouteSnapshot;
  onLog(app: string | null, line: string): void;
  /** A request arrived for an idled app (see RouterEngineDeps.onWake). */
  onWake?(app: string): void;
  options?: Partial<RouterOptions>;
  fetchPage?: PageFetcher;
}

export interface RunningRouter {
  engine: RouterEngine;
  ports: { http: number; https?: number };
  sni: SniCallback | null;
  update(diff: RouteDiff): void;
  /** Stops listening; waits up to `graceMs` for in-flight requests; closes everything. */
  stop(graceMs?: number): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** The router in this process: an engine plus its HTTP (and HTTPS) listeners. */
export async function startRouter(o: StartRouterOptions): Promise<RunningRouter> {
  const engine = new RouterEngine({ table: o.table, options: o.options, onLog: o.onLog, fetchPage: o.fetchPage, ...(o.onWake ? { onWake: o.onWake } : {}) });
  const servers: Server[] = [];
  const ports: { http: number; https?: number } = { http: 0 };
  let sni: SniCallback | null = null;
  try {
    const http = createNetServer({ allowHalfOpen: true, noDelay: true });
    servers.push(http);
    ports.http = await listen(http, o.port, o.host);
    http.on('connection', (socket) => engine.handleConnection(socket, 'http', ports.http));
    if (o.tlsPort !== undefined) {
      if (!o.tls) throw new TypeError('startRouter: tlsPort needs tls (a default certificate)');
      sni = o.tls.resolveCertificate ? createSniCallback(o.tls.resolveCertificate) : null;
      // The certificate is chosen from the ClientHello before the handshake (named-tls-server.ts),
      // so an uploaded RSA or ECDSA certificate reaches TLS 1.2 and 1.3 clients alike.
      const defaultContext = createSecureContext({ cert: o.tls.cert, key: o.tls.key });
      const lookup = sni;
      const https = createNamedTlsServer({
        defaultContext,
        contextFor: (name, cb) => (lookup ? lookup.callback(name, cb) : cb(null, undefined)),
        handshakeTimeoutMs: engine.options.headerTimeoutMs,
        ALPNProtocols: ['http/1.1'],
        allowHalfOpen: true,
        noDelay: true,
        onSecure: (socket) => engine.handleConnection(socket, 'https', ports.https as number),
      });
      servers.push(https);
      ports.https = await listen(https, o.tlsPort, o.host);
      engine.httpsPort = ports.https;
    }
  } catch (err) {
    await Promise.all(servers.filter((s) => s.listening).map(closeServer));
    await engine.close();
    throw err;
  }
  return {
    engine,
    ports,
    sni,
    update: (diff) => engine.update(diff),
    async stop(graceMs = 0) {
      const closed = Promise.all(servers.map(closeServer));
      await engine.close(graceMs);
      await closed;
    },
  };
}
