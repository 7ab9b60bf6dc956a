// A TLS server that picks the certificate before the handshake: it reads the ClientHello's
// server name off the raw socket (core/client-hello.ts), asks for that name's context, then
// starts TLS with it. Node ignores a context returned by SNICallback whose key type differs from
// the default's under TLS 1.3 (nodejs/node#54235): an uploaded RSA certificate beside Berth's
// ECDSA default reached only TLS 1.2 clients. Used by the router's HTTPS listener and the API's.
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { readClientHello } from '../core/client-hello.js';

export interface NamedTlsOptions {
  /** The certificate for clients that send no name, or a name without one of its own. */
  defaultContext: SecureContext;
  /** The context for a server name, or undefined for the default (cache it: this runs per connection). */
  contextFor(servername: string, cb: (err: Error | null, ctx?: SecureContext) => void): void;
  /** The ClientHello and the handshake must complete within this time. */
  handshakeTimeoutMs: number;
  ALPNProtocols?: string[];
  allowHalfOpen?: boolean;
  noDelay?: boolean;
  /** A connection whose handshake completed. */
  onSecure(socket: TLSSocket): void;
}

/** A net.Server whose connections become TLS sockets with the certificate of their server name. */
export function createNamedTlsServer(o: NamedTlsOptions): Server {
  const server = createServer({ allowHalfOpen: o.allowHalfOpen ?? false, noDelay: o.noDelay ?? false });
  server.on('connection', (raw) => accept(raw, o));
  return server;
}

function accept(raw: Socket, o: NamedTlsOptions): void {
  let buffered: Buffer = Buffer.alloc(0);
  let settled = false;
  const timer = setTimeout(() => raw.destroy(), o.handshakeTimeoutMs);
  const fail = () => {
    clearTimeout(timer);
    raw.destroy();
  };
  raw.on('error', fail);
  const start = (ctx: SecureContext) => {
    if (raw.destroyed) return clearTimeout(timer);
    // Give back what was read: TLSSocket feeds a socket's buffered bytes to the handshake first.
    raw.unshift(buffered);
    const tls = new TLSSocket(raw, { isServer: true, secureContext: ctx, ...(o.ALPNProtocols ? { ALPNProtocols: o.ALPNProtocols } : {}) });
    raw.off('error', fail);
    tls.on('error', () => {
      clearTimeout(timer);
      tls.destroy();
    });
    tls.once('secure', () => {
      clearTimeout(timer);
      o.onSecure(tls);
    });
    tls.once('close', () => clearTimeout(timer));
  };
  const onData = (chunk: Buffer) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    const verdict = readClientHello(buffered);
    if (verdict.kind === 'partial' || settled) return;
    settled = true;
    raw.off('data', onData);
    raw.pause();
    if (verdict.kind === 'other' || verdict.serverName === undefined) return start(o.defaultContext);
    o.contextFor(verdict.serverName, (err, ctx) => start(err || !ctx ? o.defaultContext : ctx));
  };
  raw.on('data', onData);
  raw.once('end', () => {
    if (!settled) fail();
  });
}
