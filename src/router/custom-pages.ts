// ERROR_PAGE_URL / MAINTENANCE_PAGE_URL: fetching (through the egress guard: these are tenant
// URLs) and the router's cache of the pages.
import type { EgressGuard } from '../egress/egress-guard.js';
import { guardedGet } from '../egress/guarded-get.js';

export interface CustomPage {
  body: Buffer;
  contentType: string;
}

/** Fetches one page; rejects on a non-200 answer, a timeout or a body over `maxBytes`. */
export type PageFetcher = (url: string, timeoutMs: number, maxBytes: number) => Promise<CustomPage>;

/**
 * The router's fetcher: a GET through `guard` (no redirects followed, so the checked address is
 * the one the page comes from); a refused address, a non-200 answer, a timeout or an oversized
 * page all reject, and the router falls back to its own page.
 */
export const pageFetcher = (guard: EgressGuard): PageFetcher => async (url, timeoutMs, maxBytes) => {
  if (!/^https?:\/\//.test(url)) throw new Error(`${url} is not an http(s) URL`);
  const signal = AbortSignal.timeout(timeoutMs);
  const res = await guardedGet(url, guard, { maxRedirects: 0, headers: { 'user-agent': 'berth-router' }, signal });
  if (res.statusCode !== 200) {
    res.resume();
    throw new Error(`${url} answered ${res.statusCode}`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) {
      res.destroy();
      throw new Error(`${url} is over ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return { body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? 'text/html; charset=utf-8') };
};

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
    private readonly fetcher: PageFetcher,
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
