import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { rm } from 'node:fs/promises';

/**
 * The RPC transport between the control plane and the host agent: newline-delimited JSON, today
 * over a unix socket. Requests `{id, method, params}`, replies `{id, result}` or
 * `{id, error: {message, code}}`, and events `{event, data}` pushed to every connected client.
 * Lines are bounded. The transport is generic over an RpcContract (agent-contract.ts is the
 * agent's): the server serves exactly its handlers, the client calls only its methods, so a
 * name or shape mismatch is a compile error. Another transport (TCP + TLS between hosts) would
 * carry the same contract with the same framing.
 */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

export class RpcError extends Error {
  constructor(message: string, readonly code: string = 'rpc_error') {
    super(message);
    this.name = 'RpcError';
  }
}

/** RpcError codes, or the `id` of a PlatformError (so `invalid_params` survives the socket). */
function errorCode(err: unknown): string {
  if (err instanceof RpcError) return err.code;
  const id = (err as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : 'failed';
}

/** A method → {request, response} map and the events the server pushes: what both sides agree on. */
export type RpcContract = {
  methods: { [method: string]: { request: unknown; response: unknown } };
  events: { [event: string]: unknown };
};
export type RpcMethod<C extends RpcContract> = keyof C['methods'] & string;
export type RpcEvent<C extends RpcContract> = keyof C['events'] & string;
export type RpcRequest<C extends RpcContract, M extends RpcMethod<C>> = C['methods'][M]['request'];
export type RpcResponse<C extends RpcContract, M extends RpcMethod<C>> = C['methods'][M]['response'];

/**
 * A request as the server receives it: the contract's field names, values not yet checked (they
 * crossed a process boundary). Handlers validate what they use, or say why they trust it.
 */
export type Unchecked<T> = T extends object ? { readonly [K in keyof T]?: unknown } : unknown;

/** The server side of a contract: one handler per method, answering the method's response. */
export type RpcHandlers<C extends RpcContract> = {
  [M in RpcMethod<C>]: (params: Unchecked<RpcRequest<C, M>>, connection: RpcConnection) => RpcResponse<C, M> | Promise<RpcResponse<C, M>>;
};

type Handler = (params: unknown, connection: RpcConnection) => Promise<unknown> | unknown;

export interface RpcConnection {
  send(message: unknown): boolean;
  socket: Socket;
}

function readLines(socket: Socket, onLine: (line: string) => void): void {
  let buffered = '';
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    if (buffered.length > MAX_LINE_BYTES && !buffered.includes('\n')) {
      socket.destroy(new RpcError(`RPC line longer than ${MAX_LINE_BYTES} bytes`));
      return;
    }
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim() !== '') onLine(line);
    }
  });
}

export interface RpcServer<C extends RpcContract> {
  broadcast<E extends RpcEvent<C>>(event: E, data: C['events'][E]): void;
  close(): Promise<void>;
  connections(): number;
}

export async function serveRpc<C extends RpcContract>(socketPath: string, contractHandlers: RpcHandlers<C>): Promise<RpcServer<C>> {
  const handlers: Partial<Record<string, Handler>> = contractHandlers as Record<string, Handler>;
  await rm(socketPath, { force: true });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const connection: RpcConnection = { socket, send: (message) => !socket.destroyed && socket.write(`${JSON.stringify(message)}\n`) };
    readLines(socket, (line) => {
      let request: { id?: unknown; method?: unknown; params?: unknown };
      try {
        request = JSON.parse(line) as typeof request;
      } catch {
        connection.send({ id: null, error: { message: 'malformed JSON', code: 'bad_request' } });
        return;
      }
      const handler = typeof request.method === 'string' && Object.hasOwn(handlers, request.method) ? handlers[request.method] : undefined;
      if (!handler) {
        connection.send({ id: request.id, error: { message: `unknown method ${String(request.method)}`, code: 'unknown_method' } });
        return;
      }
      Promise.resolve()
        .then(() => handler(request.params ?? {}, connection))
        .then(
          (result) => connection.send({ id: request.id, result: result ?? null }),
          (err: unknown) => connection.send({ id: request.id, error: { message: err instanceof Error ? err.message : String(err), code: errorCode(err) } }),
        );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    broadcast(event, data) {
      const line = `${JSON.stringify({ event, data })}\n`;
      for (const socket of sockets) if (!socket.destroyed) socket.write(line);
    },
    connections: () => sockets.size,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** The client side of a contract: calls answer the method's response type, events carry theirs. */
export interface RpcClient<C extends RpcContract> {
  call<M extends RpcMethod<C>>(method: M, params: RpcRequest<C, M>, timeoutMs?: number): Promise<RpcResponse<C, M>>;
  on<E extends RpcEvent<C>>(event: E, listener: (data: C['events'][E]) => void): () => void;
  /** Resolves when the connection ends (the agent went away or close() was called). */
  closed: Promise<void>;
  close(): void;
}

export function connectRpc<C extends RpcContract>(socketPath: string, connectTimeoutMs = 2000): Promise<RpcClient<C>> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    const timer = setTimeout(() => socket.destroy(new RpcError(`no answer from ${socketPath}`, 'timeout')), connectTimeoutMs);
    const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void; timer: NodeJS.Timeout }>();
    const listeners = new Map<string, Set<(data: unknown) => void>>();
    let nextId = 1;
    const closed = new Promise<void>((done) => socket.once('close', () => done()));
    void closed.then(() => {
      for (const p of pending.values()) {
        clearTimeout(p.timer);
        p.reject(new RpcError('connection to the host agent closed', 'closed'));
      }
      pending.clear();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.on('error', () => socket.destroy());
      readLines(socket, (line) => {
        let message: { id?: number; result?: unknown; error?: { message: string; code?: string }; event?: string; data?: unknown };
        try {
          message = JSON.parse(line) as typeof message;
        } catch {
          return;
        }
        if (message.event !== undefined) {
          for (const listener of listeners.get(message.event) ?? []) listener(message.data);
          return;
        }
        const entry = typeof message.id === 'number' ? pending.get(message.id) : undefined;
        if (!entry) return;
        pending.delete(message.id as number);
        clearTimeout(entry.timer);
        if (message.error) entry.reject(new RpcError(message.error.message, message.error.code));
        else entry.resolve(message.result);
      });
      resolve({
        // The one place a reply is trusted to match the contract: the server's handlers are typed by it.
        call<M extends RpcMethod<C>>(method: M, params: RpcRequest<C, M>, timeoutMs = 30_000): Promise<RpcResponse<C, M>> {
          return new Promise<RpcResponse<C, M>>((ok, fail) => {
            if (socket.destroyed) return fail(new RpcError('connection to the host agent closed', 'closed'));
            const id = nextId++;
            const t = setTimeout(() => {
              pending.delete(id);
              fail(new RpcError(`host agent did not answer ${method} within ${timeoutMs} ms`, 'timeout'));
            }, timeoutMs);
            pending.set(id, { resolve: ok as (v: unknown) => void, reject: fail, timer: t });
            socket.write(`${JSON.stringify({ id, method, params })}\n`);
          });
        },
        on(event, listener) {
          let set = listeners.get(event);
          if (!set) listeners.set(event, (set = new Set()));
          set.add(listener as (data: unknown) => void);
          return () => set?.delete(listener as (data: unknown) => void);
        },
        closed,
        close: () => socket.end(),
      });
    });
  });
}
