/**
 * Serves the dashboard (the Vite build in `dist/web`) on the API's ports: `/` is index.html
 * (revalidated every time, strict Content-Security-Policy), `/assets/<file>` are hashed files
 * cached for a year, `/favicon.ico` a day. Every other path — and every method but GET and HEAD —
 * is the API's: the handler answers false and touches nothing. The front end routes with the
 * hash (`/#/apps/NAME`), so no other path is ever the UI's.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { AssetCache, type Asset } from './asset-cache.js';
import { chooseEncoding, type Encoding } from '../core/content-encoding.js';
import { NOT_BUILT_PAGE, pageHeaders } from './page-policy.js';

export interface DashboardOptions {
  /** The built front end: index.html, assets/, favicon.ico. */
  dir: string;
  /** Origins besides the page's own the page may connect to (Content-Security-Policy connect-src). */
  connectOrigins?: string[];
}

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** One path segment of an asset: no dot first (so no `.`, `..` or hidden files), no separators. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

export function dashboardHandler(options: DashboardOptions): DashboardHandler {
  const cache = new AssetCache();
  const html = pageHeaders(options.connectOrigins ?? []);
  const realRoot = () => realpath(options.dir).catch(() => undefined);

  async function serve(req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
    if (path === '/') {
      const asset = await cache.get(join(options.dir, 'index.html'));
      if (!asset) {
        res.writeHead(503, { ...html, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'Content-Length': Buffer.byteLength(NOT_BUILT_PAGE) });
        res.end(req.method === 'HEAD' ? undefined : NOT_BUILT_PAGE);
        return;
      }
      return reply(req, res, asset, { ...html, 'Cache-Control': 'no-cache' });
    }
    if (path === '/favicon.ico') {
      const asset = await cache.get(join(options.dir, 'favicon.ico'));
      return asset ? reply(req, res, asset, { 'Cache-Control': 'public, max-age=86400' }) : notFound(res);
    }
    const file = await assetFile(path.slice('/assets/'.length));
    const asset = file && (await cache.get(file));
    return asset ? reply(req, res, asset, { 'Cache-Control': IMMUTABLE }) : notFound(res);
  }

  /** The real path of `assets/<name>`, refused (undefined) unless every segment is plain and it stays inside the directory. */
  async function assetFile(name: string): Promise<string | undefined> {
    let segments: string[];
    try {
      segments = name.split('/').map((s) => decodeURIComponent(s));
    } catch {
      return undefined;
    }
    if (!segments.every((s) => SEGMENT.test(s))) return undefined;
    const base = await realRoot();
    if (!base) return undefined;
    const real = await realpath(join(base, 'assets', ...segments)).catch(() => undefined);
    return real?.startsWith(`${join(base, 'assets')}${sep}`) ? real : undefined;
  }

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '/').split('?', 1)[0] as string;
    if (path !== '/' && path !== '/favicon.ico' && !path.startsWith('/assets/')) return false;
    serve(req, res, path).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('The dashboard could not read its files.\n');
    });
    return true;
  };
}

function reply(req: IncomingMessage, res: ServerResponse, asset: Asset, headers: Record<string, string>): void {
  const available = Object.keys(asset.encoded) as Encoding[];
  const encoding = chooseEncoding(req.headers['accept-encoding'], available);
  const body = encoding ? (asset.encoded[encoding] as Buffer) : asset.body;
  const etag = encoding ? `${asset.etag.slice(0, -1)}-${encoding === 'br' ? 'br' : 'gz'}"` : asset.etag;
  const common: Record<string, string> = { ...headers, ETag: etag, 'X-Content-Type-Options': 'nosniff' };
  if (available.length > 0) common.Vary = 'Accept-Encoding';
  if (matches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, { ...common, 'Content-Type': asset.type, 'Content-Length': body.length, ...(encoding ? { 'Content-Encoding': encoding } : {}) });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** If-None-Match: `*` or a list of (possibly weak) tags. */
function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function notFound(res: ServerResponse): void {
  const text = 'Not found.\n';
  res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
  res.end(text);
}
