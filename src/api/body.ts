import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../core/errors.js';

/** JSON media types: `application/json`, `application/vnd.heroku+json; version=3`, any `+json`. */
const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** How long a JSON body may take to arrive once its headers did (a slow-body client is cut off). */
export const BODY_DEADLINE_MS = 30_000;

/**
 * Reads a JSON object body: refuses a non-JSON Content-Type (415: a form or text/plain POST
 * from a browser page is never an API call), more than `limit` bytes (413), a body that takes
 * longer than `deadlineMs` (408, connection closed) and bad JSON (400).
 */
export async function readJsonBody(req: IncomingMessage, limit: number, deadlineMs = BODY_DEADLINE_MS): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  const hasBody = (Number.isFinite(declared) && declared > 0) || req.headers['transfer-encoding'] !== undefined;
  if (hasBody && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    req.resume();
    const sent = req.headers['content-type'] ? `Content-Type ${JSON.stringify(req.headers['content-type'])}` : 'no Content-Type';
    throw new PlatformError('unsupported_media_type', `Request body must be JSON sent with Content-Type: application/json (got ${sent}).`);
  }
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks = await collect(req, limit, deadlineMs);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new PlatformError('bad_request', `Request body is not valid JSON: ${(err as Error).message}.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PlatformError('bad_request', 'Request body must be a JSON object.');
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads a body of any type as UTF-8 text (the partner OAuth token endpoint takes a form, as
 * Heroku's does): more than `limit` bytes is 413, a body slower than `deadlineMs` 408.
 */
export async function readBodyText(req: IncomingMessage, limit: number, deadlineMs = BODY_DEADLINE_MS): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  return Buffer.concat(await collect(req, limit, deadlineMs)).toString('utf8');
}

/** The body's chunks, or a 413/408 as soon as it is too big or too slow (the rest is drained). */
function collect(req: IncomingMessage, limit: number, deadlineMs: number): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (err?: Error) => {
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('error', onError);
      if (err) {
        req.resume();
        reject(err);
      } else resolve(chunks);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) finish(tooLarge(limit));
      else chunks.push(chunk);
    };
    const onEnd = () => finish();
    const onError = (err: Error) => finish(err);
    const timer = setTimeout(() => finish(new PlatformError('request_timeout', `Request body did not arrive within ${deadlineMs / 1000} s; send it in one go.`)), deadlineMs);
    req.on('data', onData).on('end', onEnd).on('error', onError);
  });
}

const tooLarge = (limit: number) =>
  new PlatformError('payload_too_large', `Request body is larger than ${limit} bytes.`);
