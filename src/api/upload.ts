import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { PlatformError } from '../core/errors.js';

/**
 * The request body as a stream for the blob store, refusing more than `maxBytes` and a body
 * that ends early (connection dropped, or fewer bytes than Content-Length): the stream errors,
 * so the blob store stores nothing. `problem()` is the error to answer with, if one of those
 * happened.
 */
export function meteredUpload(req: IncomingMessage, maxBytes: number): { body: Readable; problem(): PlatformError | undefined } {
  let problem: PlatformError | undefined;
  const header = req.headers['content-length'];
  const declared = header === undefined ? undefined : Number(header);
  async function* chunks(): AsyncGenerator<Buffer> {
    let size = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) throw (problem = tooLarge(maxBytes));
        yield chunk;
      }
    } catch (err) {
      problem ??= incomplete(size, declared);
      throw err;
    }
    if (!req.complete || (declared !== undefined && size !== declared)) throw (problem = incomplete(size, declared));
  }
  return { body: Readable.from(chunks(), { objectMode: false }), problem: () => problem };
}

export const tooLarge = (maxBytes: number): PlatformError =>
  new PlatformError('payload_too_large', `The upload is over the limit of ${maxBytes} bytes (${Math.round(maxBytes / 1024 / 1024)} MB); nothing was stored. Make it smaller (e.g. a .slugignore, or prune dev dependencies).`);

export const incomplete = (size: number, declared: number | undefined): PlatformError =>
  new PlatformError('bad_request', `The upload ended early after ${size}${declared === undefined ? '' : ` of ${declared}`} bytes; nothing was stored. Upload the whole file again.`);
