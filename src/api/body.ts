import type { IncomingMessage } from 'node:http';
import { PlatformError } from '../core/errors.js';

/** Reads a JSON object body, refusing more than `limit` bytes (413) and bad JSON (400). */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<Record<string, unknown>> {
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge(limit);
    }
    chunks.push(chunk);
  }
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

const tooLarge = (limit: number) =>
  new PlatformError('payload_too_large', `Request body is larger than ${limit} bytes.`);
