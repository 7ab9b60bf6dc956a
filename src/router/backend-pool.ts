import { connect, type Socket } from 'node:net';

/** Whoever currently owns a dyno connection (an exchange) gets its socket events. */
export interface BackendUser {
  onBackendConnect(conn: BackendConn): void;
  onBackendData(chunk: Buffer): void;
  /** The dyno closed, reset or could not be reached; `code` is the socket error code, if any. */
  onBackendClosed(code: string | undefined): void;
  onBackendDrain(): void;
  /** A bug surfaced while handling the dyno's bytes (H99). */
  onInternalError(err: unknown): void;
}

/**
 * One web dyno as this router worker sees it: in-flight count (for checkout), a LIFO stack of
 * idle keep-alive connections (the pool; at most maxInFlightPerDyno sockets), quarantine after
 * a failed connect. `retired` once the route table drops it: in-flight requests finish, then
 * its connections close.
 */
export class Backend {
  inFlight = 0;
  open = 0;
  readonly idle: BackendConn[] = [];
  quarantinedUntil = 0;
  retired = false;

  constructor(
    readonly key: string,
    readonly app: string,
    readonly dynoName: string,
    readonly host: string,
    readonly port: number,
  ) {}

  /** A live idle connection, newest first, or undefined. */
  takeIdle(): BackendConn | undefined {
    for (let conn = this.idle.pop(); conn !== undefined; conn = this.idle.pop()) {
      if (!conn.dead) return conn;
      conn.socket.destroy();
    }
    return undefined;
  }

  /** A failed connect: checkout skips this dyno until `until` unless nothing else is left. */
  quarantine(until: number): void {
    this.quarantinedUntil = until;
  }

  /** A new connection; throws (synchronously) when the address is unusable. */
  connect(user: BackendUser): BackendConn {
    const conn = new BackendConn(this, user);
    this.open++;
    return conn;
  }

  /** Back into the pool when reusable, otherwise closed. */
  checkin(conn: BackendConn, reusable: boolean, now: number, keepAliveMs: number): void {
    conn.user = null;
    if (!reusable || this.retired || conn.dead) {
      conn.socket.destroy();
      return;
    }
    conn.expiresAt = now + keepAliveMs;
    this.idle.push(conn);
  }

  /** Closes idle connections past their keep-alive (all of them with `all`). */
  expireIdle(now: number, all = false): void {
    if (this.idle.length === 0) return;
    let keep = 0;
    for (const conn of this.idle) {
      if (all || conn.dead || conn.expiresAt <= now) conn.socket.destroy();
      else this.idle[keep++] = conn;
    }
    this.idle.length = keep;
  }
}

export class BackendConn {
  readonly socket: Socket;
  user: BackendUser | null;
  connected = false;
  /** Requests this connection served before the current one. */
  uses = 0;
  expiresAt = 0;
  dead = false;
  #errorCode: string | undefined;

  constructor(readonly backend: Backend, user: BackendUser) {
    this.user = user;
    this.socket = connect({ host: backend.host, port: backend.port, noDelay: true });
    this.socket.on('connect', this.#onConnect);
    this.socket.on('data', this.#onData);
    this.socket.on('end', this.#onEnd);
    this.socket.on('error', this.#onError);
    this.socket.on('close', this.#onClose);
    this.socket.on('drain', this.#onDrain);
  }

  /** Hands this idle pooled connection to the next request. */
  lend(user: BackendUser): void {
    this.user = user;
    this.uses++;
  }

  /** Closes the connection without telling its user (the user is the one giving it up). */
  discard(): void {
    this.user = null;
    this.socket.destroy();
  }

  #onConnect = (): void => {
    this.connected = true;
    this.user?.onBackendConnect(this);
  };

  #onData = (chunk: Buffer): void => {
    const user = this.user;
    if (user === null) {
      this.socket.destroy(); // bytes from an idle dyno connection: never reuse it
      return;
    }
    try {
      user.onBackendData(chunk);
    } catch (err) {
      user.onInternalError(err);
    }
  };

  #onEnd = (): void => {
    this.#gone();
  };

  #onError = (err: NodeJS.ErrnoException): void => {
    this.#errorCode = err.code ?? 'EIO';
  };

  #onClose = (): void => {
    this.backend.open--;
    this.#gone();
  };

  #onDrain = (): void => {
    this.user?.onBackendDrain();
  };

  #gone(): void {
    if (this.dead) return;
    this.dead = true;
    const user = this.user;
    this.user = null;
    user?.onBackendClosed(this.#errorCode);
  }
}
