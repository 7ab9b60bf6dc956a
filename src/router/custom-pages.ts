import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';

export interface CustomPage {
  body: Buffer;
  contentType: string;
}

/** Fetches one page; rejects on a non-200 answer, a timeout or a body over `maxBytes`. */
export type PageFetcher = (url: string, timeoutMs: number, maxBytes: number) => Promise<CustomPage>;

export const fetchPage: PageFetcher = (url, timeoutMs, maxBytes) =>
  new Promise((resolve, reject) => {
    const get = url.startsWith('https:') ? httpsGet : url.startsWith('http:') ? httpGet : null;
    if (get === null) return reject(new Error(`${url} is not an http(s) URL`));
    const timer = setTimeout(() => req.destroy(new Error(`no page from ${url} within ${timeoutMs} ms`)), timeoutMs);
    const req = get(url, { headers: { 'user-agent': 'berth-router' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        clearTimeout(timer);
        return reject(new Error(`${url} answered ${res.statusCode}`));
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > maxBytes) req.destroy(new Error(`${url} is over ${maxBytes} bytes`));
        else chunks.push(c);
      });
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? 'text/html; charset=utf-8') });
      });
      res.on('error', () => undefined);
    });
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });

interface Entry {
  at: number;
  page: CustomPage | null;
  pending: Promise<CustomPage | null> | null;
}

/**
 * ERROR_PAGE_URL / MAINTENANCE_PAGE_URL pages: fetched by the router with a short timeout, cached
 * (successes and failures alike, for `ttlMs`), at most `maxEntries` URLs. `null` means "use the
 * built-in page".
 */
export class CustomPages {
  readonly #cache = new Map<string, Entry>();

  constructor(
    private readonly o: { errorPageFetchTimeoutMs: number; errorPageMaxBytes: number; errorPageTtlMs: number },
    private readonly fetcher: PageFetcher = fetchPage,
    private readonly maxEntries = 1000,
  ) {}

  get(url: string): CustomPage | null | Promise<CustomPage | null> {
    const now = Date.now();
    const e = this.#cache.get(url);
    if (e !== undefined) {
      if (e.pending !== null) return e.pending;
      if (now - e.at < this.o.errorPageTtlMs) return e.page;
    }
    return this.#fetch(url, now, e?.page ?? null);
  }

  prefetch(url: string): void {
    const r = this.get(url);
    if (r instanceof Promise) r.catch(() => undefined);
  }

  #fetch(url: string, now: number, stale: CustomPage | null): Promise<CustomPage | null> {
    const entry: Entry = { at: now, page: stale, pending: null };
    entry.pending = this.fetcher(url, this.o.errorPageFetchTimeoutMs, this.o.errorPageMaxBytes).then(
      (page) => page,
      () => null,
    ).then((page) => {
      entry.page = page;
      entry.at = Date.now();
      entry.pending = null;
      return page;
    });
    this.#cache.delete(url);
    this.#cache.set(url, entry);
    if (this.#cache.size > this.maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest !== undefined) this.#cache.delete(oldest);
    }
    return entry.pending;
  }
}
