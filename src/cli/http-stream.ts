import { once } from 'node:events';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { CliError } from './cli-error.js';

/** A capability URL (log session, build output, upload) answered with an error status. */
export class StreamHttpError extends CliError {
  constructor(readonly status: number, readonly url: string, readonly body: string) {
    super(`${new URL(url).pathname} answered HTTP ${status}${body.trim() === '' ? '' : `: ${body.trim().split('\n')[0]?.slice(0, 300) ?? ''}`}`);
    this.name = 'StreamHttpError';
  }
}

export interface StreamRequest {
  method?: 'GET' | 'PUT';
  headers?: Record<string, string | number>;
  /** A request body (PUT): streamed, never held in memory. */
  body?: Readable;
  /** Until the response headers arrive (default 60 s); the body may then take as long as it takes. */
  headersTimeoutMs?: number;
  /** CAs to trust for https (the CLI context's `ca`); undefined uses Node's defaults. */
  ca?: string[];
}

const ERROR_BODY_LIMIT = 4096;

/**
 * One request with node:http(s) rather than fetch, whose 5-minute body timeout would cut quiet
 * log tails. Resolves with the response once its headers are in (2xx only); error statuses
 * become StreamHttpError with the start of their body.
 */
export async function openStream(url: string, options: StreamRequest = {}): Promise<IncomingMessage> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new CliError(`Cannot open ${target.protocol} URL ${url}: only http and https are supported.`);
  const request = target.protocol === 'https:' ? httpsRequest : httpRequest;
  const tls = target.protocol === 'https:' && options.ca !== undefined ? { ca: options.ca } : {};
  const req = request(target, { method: options.method ?? 'GET', headers: { 'User-Agent': 'berth-cli', ...options.headers }, ...tls });
  const timeout = options.headersTimeoutMs ?? 60_000;
  req.setTimeout(timeout, () => req.destroy(new CliError(`${target.host} did not answer within ${Math.round(timeout / 1000)} s.`)));
  if (options.body) options.body.pipe(req);
  else req.end();
  let res: IncomingMessage;
  try {
    [res] = (await once(req, 'response')) as [IncomingMessage];
  } catch (err) {
    if (err instanceof CliError) throw err;
    const code = (err as { code?: unknown }).code;
    throw new CliError(`Cannot open ${target.origin}${target.pathname.split('/').slice(0, 3).join('/')}/…: ${(err as Error).message}${typeof code === 'string' && !(err as Error).message.includes(code) ? ` (${code})` : ''}`);
  }
  req.setTimeout(0);
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return res;
  let body = '';
  res.setEncoding('utf8');
  for await (const chunk of res as AsyncIterable<string>) {
    if (body.length < ERROR_BODY_LIMIT) body += chunk.slice(0, ERROR_BODY_LIMIT - body.length);
  }
  throw new StreamHttpError(status, url, extractMessage(body));
}

/** `{"message": …}` bodies (API errors) read as their message; anything else as text. */
function extractMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON
  }
  return body;
}

/** Writes `text`, waiting for `drain` when the stream's buffer is full. */
export async function writeOut(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (text === '' || out.write(text)) return;
  await once(out as unknown as NodeJS.EventEmitter, 'drain');
}
