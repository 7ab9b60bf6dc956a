import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { gzip } from 'node:zlib';
import { chooseEncoding } from '../core/content-encoding.js';
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

/** JSON bodies this big or bigger are gzipped for clients that accept it (an app list of 100
 *  apps is ~90 KB as JSON, ~10 KB gzipped); smaller ones are not worth the CPU. */
const GZIP_MIN_BYTES = 1024;

export function send(res: ServerResponse, reply: Reply, acceptEncoding?: string): void {
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
  const bytes = Buffer.byteLength(payload);
  if (bytes >= GZIP_MIN_BYTES) {
    res.setHeader('Vary', 'Accept-Encoding');
    if (chooseEncoding(acceptEncoding, ['gzip']) === 'gzip') {
      gzip(payload, { level: 6 }, (err, zipped) => {
        if (res.destroyed) return;
        if (err) {
          res.setHeader('Content-Length', bytes);
          res.end(payload);
          return;
        }
        res.setHeader('Content-Encoding', 'gzip');
        res.setHeader('Content-Length', zipped.length);
        res.end(zipped);
      });
      return;
    }
  }
  res.setHeader('Content-Length', bytes);
  res.end(payload);
}
