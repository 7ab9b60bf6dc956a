import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

import { PlatformError } from '../core/errors.js';
import { DEFAULT_SESSION_LINES, HISTORY_LINES, type LogFilter, parseLogFilter } from '../core/log-line.js';
import { CHANNEL_ID_PATTERN, type LogChannels } from './log-channels.js';
import { renderTailLine, type TailFormat, TailStream } from './tail-stream.js';

/** The body of `POST /apps/:app/log-sessions`, as the official CLI sends it. */
export interface LogSessionRequest {
  readonly lines?: unknown;
  readonly tail?: unknown;
  readonly source?: unknown;
  readonly dyno?: unknown;
}

export interface IssuedSession {
  /** Unguessable: the URL is the capability (no Authorization on the GET). */
  readonly id: string;
  /** `/sessions/<id>`: the API prefixes the public base URL of whatever serves `handle`. */
  readonly path: string;
}

export interface LogSessionsOptions {
  readonly channels: LogChannels;
  /** An unused session expires this long after it was issued or last disconnected (default 5 min). */
  readonly ttlMs?: number;
  /** SSE comment after this much silence on a tail (default 15 s). */
  readonly heartbeatMs?: number;
  readonly tailBufferLines?: number;
  readonly tailBufferBytes?: number;
  readonly maxSessions?: number;
  readonly pathPrefix?: string;
}

interface Session {
  readonly channelId: string;
  readonly lines: number;
  readonly tail: boolean;
  readonly filter: LogFilter;
  expiresAt: number;
  open: number;
}

/**
 * Log sessions: `issue` validates a request and returns a one-off URL path; `handle` serves it —
 * `text/event-stream` for `Accept: text/event-stream` (the official CLI's eventsource client),
 * chunked `text/plain` otherwise (curl, older CLIs). Not tailing: the backlog, then close.
 * Tailing: the backlog, then live lines until the client goes away.
 */
export class LogSessions {
  private readonly sessions = new Map<string, Session>();
  private readonly tails = new Set<TailStream>();
  private readonly ttlMs: number;
  private readonly heartbeatMs: number;
  private readonly prefix: string;
  private readonly timer: NodeJS.Timeout;
  private readonly responses = new Set<ServerResponse>();

  constructor(private readonly options: LogSessionsOptions) {
    this.ttlMs = options.ttlMs ?? 5 * 60_000;
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.prefix = options.pathPrefix ?? '/sessions/';
    const tick = Math.max(10, Math.min(this.heartbeatMs, this.ttlMs, 5_000));
    this.timer = setInterval(() => this.tick(), tick);
    this.timer.unref();
  }

  issue(channelId: string, request: LogSessionRequest): IssuedSession {
    if (!CHANNEL_ID_PATTERN.test(channelId)) throw new TypeError(`invalid log channel id ${JSON.stringify(channelId)}`);
    const filter = parseLogFilter(request);
    const lines = parseLines(request.lines);
    if (request.tail !== undefined && request.tail !== null && typeof request.tail !== 'boolean') {
      throw new PlatformError('invalid_params', `Tail ${JSON.stringify(request.tail)} is invalid: use true or false.`);
    }
    this.makeRoom();
    const id = randomBytes(24).toString('base64url');
    this.sessions.set(id, { channelId, lines, tail: request.tail === true, filter, expiresAt: this.nowMs() + this.ttlMs, open: 0 });
    return { id, path: `${this.prefix}${id}` };
  }

  /** Serves a session URL; returns false (having written nothing) when the path is not one. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    if (!url.startsWith(this.prefix)) return false;
    const id = url.slice(this.prefix.length).split('?')[0] ?? '';
    if (req.method !== 'GET') {
      res.writeHead(405, { Allow: 'GET', 'Content-Type': 'text/plain; charset=utf-8' }).end('Log sessions are read with GET.\n');
      return true;
    }
    const session = this.sessions.get(id);
    if (!session || (session.open === 0 && session.expiresAt < this.nowMs())) {
      if (session) this.sessions.delete(id);
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Log session not found or expired: start a new one (berth logs).\n');
      return true;
    }
    try {
      this.serve(session, req, res);
    } catch (error) {
      // Never let one request take the host down.
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(`Log session failed: ${(error as Error).message}\n`);
    }
    return true;
  }

  /** Ends every open tail (the host is shutting down). */
  close(): void {
    clearInterval(this.timer);
    for (const tail of this.tails) tail.close();
    for (const res of this.responses) res.end();
    this.sessions.clear();
  }

  private serve(session: Session, req: IncomingMessage, res: ServerResponse): void {
    const channels = this.options.channels;
    const format: TailFormat = (req.headers.accept ?? '').includes('text/event-stream') ? 'sse' : 'text';
    const resumeFrom = parseLastEventId(req.headers['last-event-id']);
    const backlog =
      resumeFrom !== undefined
        ? channels.history(session.channelId, { afterSeq: resumeFrom, filter: session.filter })
        : session.lines === 0
          ? []
          : channels.history(session.channelId, { limit: session.lines, filter: session.filter });
    req.socket.setNoDelay(true);
    res.writeHead(200, {
      'Content-Type': format === 'sse' ? 'text/event-stream; charset=utf-8' : 'text/plain; charset=utf-8',
      'Cache-Control': 'no-cache',
      'X-Accel-Buffering': 'no',
    });
    if (!session.tail) {
      // `retry: 100`: the official CLI's EventSource waits the retry interval before it lets the
      // process exit once the backlog ends (3 s by default).
      const lines = backlog.map((entry) => renderTailLine(format, entry.seq, entry.line)).join('');
      res.end(format === 'sse' ? `retry: 100\n\n${lines}` : lines);
      return;
    }
    res.flushHeaders();
    const tail = new TailStream(res, {
      format,
      filter: session.filter,
      bufferLines: this.options.tailBufferLines ?? 5000,
      bufferBytes: this.options.tailBufferBytes ?? 4 * 1024 * 1024,
      clock: () => channels.now(),
    });
    tail.writeBacklog(backlog);
    session.open++;
    this.tails.add(tail);
    this.responses.add(res);
    const unsubscribe = channels.subscribe(session.channelId, (entry) => tail.offer(entry));
    res.once('close', () => {
      unsubscribe();
      tail.close();
      this.tails.delete(tail);
      this.responses.delete(res);
      session.open--;
      session.expiresAt = this.nowMs() + this.ttlMs;
    });
  }

  private tick(): void {
    const now = this.nowMs();
    for (const tail of this.tails) tail.heartbeat(this.heartbeatMs, now);
    for (const [id, session] of this.sessions) {
      if (session.open === 0 && session.expiresAt < now) this.sessions.delete(id);
    }
  }

  /** Bounded: past `maxSessions`, the oldest idle session goes (Map keeps issue order). */
  private makeRoom(): void {
    const max = this.options.maxSessions ?? 10_000;
    if (this.sessions.size < max) return;
    this.tick();
    for (const [id, session] of this.sessions) {
      if (this.sessions.size < max) return;
      if (session.open === 0) this.sessions.delete(id);
    }
    if (this.sessions.size >= max) {
      throw new PlatformError('rate_limit', `Too many open log sessions (${max}): close some tails and try again.`);
    }
  }

  private nowMs(): number {
    return this.options.channels.now() / 1000;
  }
}

function parseLines(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_SESSION_LINES;
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
    throw new PlatformError('invalid_params', `Lines ${JSON.stringify(value)} is invalid: use a whole number from 0 to ${HISTORY_LINES}.`);
  }
  // Like Heroku: history holds 1500 lines, so asking for more shows all of it.
  return Math.min(n, HISTORY_LINES);
}

function parseLastEventId(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && /^\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : undefined;
}
