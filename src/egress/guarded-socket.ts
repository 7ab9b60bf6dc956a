/**
 * A TCP socket for clients that connect with `socket.connect(port, host)` themselves (node-postgres's
 * `stream` option): the connect goes through an EgressGuard, so a literal address is checked
 * before any packet is sent and a name is resolved, checked and connected to by `guard.lookup`.
 * A refusal arrives as the socket's 'error' event, like any connect failure.
 */
import { Socket } from 'node:net';
import type { EgressGuard } from './egress-guard.js';

export function guardedSocket(guard: EgressGuard): Socket {
  const socket = new Socket();
  const connect = socket.connect.bind(socket) as (options: { port: number; host: string; lookup: EgressGuard['lookup'] }) => Socket;
  const guarded = (port: number, host: string): Socket => {
    const bare = host.replace(/^\[|\]$/g, '');
    try {
      guard.assertHost(bare);
    } catch (refused) {
      process.nextTick(() => socket.destroy(refused as Error));
      return socket;
    }
    return connect({ port: Number(port), host: bare, lookup: guard.lookup });
  };
  socket.connect = guarded as unknown as Socket['connect'];
  return socket;
}
