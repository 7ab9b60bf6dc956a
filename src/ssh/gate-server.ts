/**
 * The control plane's side of the SSH gate: a unix socket (only root and the `git` user may
 * connect) that gate-main.ts calls from inside sshd. `key` answers whether a key belongs to an
 * account (sshd's AuthorizedKeysCommand); `git` looks up the session's key again (it may have been
 * removed since login), then hands the client's command and streams to the port, which parses,
 * authorizes and serves it exactly like git over HTTPS.
 */
import { chmod, chown, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { PassThrough, Writable } from 'node:stream';
import { FRAME, MAX_REQUEST_LINE, firstLine, frame, type GateRequest } from './gate-frames.js';

export interface SshGatePort {
  /** The account a public key line (`type base64`) belongs to, if any. */
  accountForKey(key: string): Promise<string | undefined>;
  /** Serves one git command for the account; resolves with its exit status. */
  serveGit(
    request: { accountId: string; command: string | undefined; protocol?: string },
    streams: { stdin: PassThrough; stdout: Writable; stderr: Writable },
  ): Promise<number>;
}

function frameStream(socket: Socket, kind: typeof FRAME.stdout | typeof FRAME.stderr): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      if (socket.destroyed) return callback();
      const data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (socket.write(frame(kind, data))) callback();
      else socket.once('drain', () => callback());
    },
  });
}

function parseRequest(line: string): GateRequest | undefined {
  try {
    const value = JSON.parse(line) as Partial<GateRequest>;
    if (typeof value.key !== 'string') return undefined;
    if (value.op === 'key') return { op: 'key', key: value.key };
    if (value.op !== 'git') return undefined;
    const g = value as { command?: unknown; protocol?: unknown };
    return {
      op: 'git',
      key: value.key,
      ...(typeof g.command === 'string' ? { command: g.command } : {}),
      ...(typeof g.protocol === 'string' ? { protocol: g.protocol } : {}),
    };
  } catch {
    return undefined;
  }
}

export class SshGateServer {
  private readonly sessions = new Set<Socket>();
  private constructor(private readonly server: Server, readonly socketPath: string) {}

  /** Listens on socketPath, owned by root and group `gid`, mode 0660. */
  static async listen(socketPath: string, gid: number, port: SshGatePort, log: (event: Record<string, unknown>) => void): Promise<SshGateServer> {
    await rm(socketPath, { force: true });
    const server = createServer({ allowHalfOpen: true });
    const gate = new SshGateServer(server, socketPath);
    server.on('connection', (socket) => gate.accept(socket, port, log));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => { server.off('error', reject); resolve(); });
    });
    await chown(socketPath, 0, gid);
    await chmod(socketPath, 0o660);
    return gate;
  }

  private accept(socket: Socket, port: SshGatePort, log: (event: Record<string, unknown>) => void): void {
    this.sessions.add(socket);
    socket.once('close', () => this.sessions.delete(socket));
    socket.on('error', () => socket.destroy());
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer): void => {
      const got = firstLine(chunks, chunk);
      if (!got) {
        if (chunks.reduce((n, c) => n + c.length, 0) > MAX_REQUEST_LINE) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.pause();
      const request = parseRequest(got.line);
      if (!request) return void socket.destroy();
      this.answer(socket, request, got.rest, port).catch((err: unknown) => {
        log({ at: 'error', component: 'ssh', msg: 'ssh gate request failed', error: err instanceof Error ? err.stack : String(err) });
        socket.destroy();
      });
    };
    socket.on('data', onData);
  }

  private async answer(socket: Socket, request: GateRequest, rest: Buffer, port: SshGatePort): Promise<void> {
    const accountId = await port.accountForKey(request.key);
    if (request.op === 'key') return void socket.end(`${JSON.stringify({ known: accountId !== undefined })}\n`);
    const stderr = frameStream(socket, FRAME.stderr);
    const stdout = frameStream(socket, FRAME.stdout);
    let code = 1;
    if (accountId === undefined) {
      stderr.write(' !     This SSH key is no longer on any Berth account (removed since you logged in?). berth keys lists yours.\n');
    } else {
      const stdin = new PassThrough();
      if (rest.length > 0) stdin.write(rest);
      socket.pipe(stdin);
      // The gate died (the SSH client disconnected): git must not wait for more input.
      socket.once('close', () => stdin.destroy());
      socket.resume();
      code = await port.serveGit(
        { accountId, command: request.command, ...(request.protocol !== undefined ? { protocol: request.protocol } : {}) },
        { stdin, stdout, stderr },
      );
    }
    // Everything git wrote goes out before the exit status.
    await Promise.all([stdout, stderr].map((s) => new Promise<void>((resolve) => s.end(resolve))));
    if (!socket.destroyed) socket.end(frame(FRAME.exit, Buffer.from([Math.max(0, Math.min(255, code))])));
  }

  async close(): Promise<void> {
    for (const socket of this.sessions) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await rm(this.socketPath, { force: true });
  }
}
