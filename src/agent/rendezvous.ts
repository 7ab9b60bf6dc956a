import { createServer, type Server, type TLSSocket } from 'node:tls';

const FIRST_LINE_LIMIT = 4096;

/**
 * The `heroku run` rendezvous (spec/heroku-compat.md §5): the client opens TLS to
 * `rendezvous://host:port/SECRET`, writes `SECRET\r\n`, receives one discarded first chunk
 * (`rendezvous\r\n`), and from then on the socket is the dyno's terminal.
 */
export class Rendezvous {
  private readonly waiting = new Map<string, { onAttach(socket: TLSSocket): void; timer: NodeJS.Timeout }>();
  private server?: Server;

  constructor(private readonly tls: { cert: string | Buffer; key: string | Buffer }) {}

  listen(port: number, host: string): Promise<number> {
    const server = createServer({ cert: this.tls.cert, key: this.tls.key }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  /** Waits up to `timeoutMs` for the client holding `secret`. */
  expect(secret: string, timeoutMs: number, onAttach: (socket: TLSSocket) => void, onTimeout: () => void): void {
    const timer = setTimeout(() => {
      this.waiting.delete(secret);
      onTimeout();
    }, timeoutMs);
    timer.unref();
    this.waiting.set(secret, { onAttach, timer });
  }

  close(): void {
    for (const { timer } of this.waiting.values()) clearTimeout(timer);
    this.waiting.clear();
    this.server?.close();
  }

  private accept(socket: TLSSocket): void {
    let received = '';
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on('error', () => socket.destroy());
    const onData = (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const newline = received.indexOf('\n');
      if (newline < 0) {
        if (received.length > FIRST_LINE_LIMIT) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.setTimeout(0);
      const secret = (received.slice(0, newline).replace(/\r$/, '').split('?')[0] ?? '').trim();
      const rest = Buffer.from(received.slice(newline + 1), 'latin1');
      const waiter = this.waiting.get(secret);
      if (!waiter) {
        socket.end();
        return;
      }
      this.waiting.delete(secret);
      clearTimeout(waiter.timer);
      socket.pause();
      // Flushed alone: the client drops its whole first data event.
      // The socket stays paused: the dyno's side resumes it once its stdin is wired.
      socket.write('rendezvous\r\n', () => {
        if (rest.length > 0) socket.unshift(rest);
        waiter.onAttach(socket);
      });
    };
    socket.on('data', onData);
  }
}
