import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PlatformError, errorRegistry } from '../core/errors.js';
import type { Reply } from './context.js';

/** The only place where errors become HTTP. */
export function errorReply(err: unknown): Reply & { internal: boolean } {
  if (err instanceof PlatformError) {
    const body = err.resource === undefined ? { id: err.id, message: err.message } : { id: err.id, message: err.message, resource: err.resource };
    const headers = err.retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(err.retryAfterSeconds) };
    return { status: err.status, body, internal: false, ...(headers ? { headers } : {}) };
  }
  return {
    status: errorRegistry.internal_server_error.status,
    body: { id: 'internal_server_error', message: 'Internal server error: this is a bug in Berth, logged with the Request-Id.' },
    internal: true,
  };
}

export function send(res: ServerResponse, reply: Reply): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (reply.stream) {
    res.statusCode = reply.status;
    for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
    // A failure mid-stream can't become an error reply any more: cut the connection instead.
    pipeline(Readable.from(reply.stream), res).catch(() => res.destroy());
    return;
  }
  const payload = reply.body === undefined ? '' : JSON.stringify(reply.body);
  res.statusCode = reply.status;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  if (payload !== '') res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(payload));
  res.end(payload);
}
