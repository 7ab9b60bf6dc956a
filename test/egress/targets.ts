// Targets for the egress tests: a "forbidden" server that counts every connection it gets (the
// proof that a refused URL was never connected to) and a redirector on another loopback address
// (127.0.0.2) that a test allows, so a redirect to a refused address needs no DNS.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CountingServer {
  readonly host: string;
  readonly port: number;
  /** TCP connections accepted so far (HTTP or not). */
  readonly connections: number;
  close(): Promise<void>;
}

function listen(server: Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve((server.address() as AddressInfo).port));
  });
}

/** An HTTP server on `host` that answers every request with `handler` and counts connections. */
export async function startCountingServer(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void = (_q, r) => void r.end('secret')): Promise<CountingServer> {
  let connections = 0;
  const server = createServer(handler);
  server.on('connection', () => connections++);
  const port = await listen(server, host);
  return {
    host,
    port,
    get connections() {
      return connections;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A server on 127.0.0.2 that redirects every request (status 302) to `location` + the request path. */
export function startRedirector(location: string, status = 302): Promise<CountingServer> {
  return startCountingServer('127.0.0.2', (req, res) => void res.writeHead(status, { location: `${location}${req.url ?? '/'}` }).end());
}

/** What an allowance that lets the redirector in, and nothing else on loopback, looks like. */
export const REDIRECTOR_ONLY = ['127.0.0.2/32'];
/** A private address nothing answers on (a Berth bridge subnet): refused before any packet is sent. */
export const PRIVATE_ADDRESS = '10.213.7.9';
