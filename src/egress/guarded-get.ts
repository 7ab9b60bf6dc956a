/**
 * `GET` of a tenant-supplied http(s) URL through an EgressGuard: every hop (the URL and each
 * redirect, up to `maxRedirects`) is checked when its socket connects, on a fresh connection
 * (no pooled socket skips the check). Resolves with the final response, whatever its status.
 */
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import type { EgressGuard } from './egress-guard.js';

export interface GuardedGetOptions {
  /** Redirects followed (0: a 3xx is returned as it is). */
  maxRedirects: number;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export async function guardedGet(url: string, guard: EgressGuard, options: GuardedGetOptions): Promise<IncomingMessage> {
  let target = new URL(url);
  for (let hop = 0; ; hop++) {
    const res = await getOnce(target, guard, options);
    const location = res.headers.location;
    if (!REDIRECTS.has(res.statusCode ?? 0) || location === undefined || options.maxRedirects === 0) return res;
    res.resume();
    if (hop >= options.maxRedirects) throw new Error(`more than ${options.maxRedirects} redirects`);
    target = new URL(location, target);
  }
}

function getOnce(target: URL, guard: EgressGuard, options: GuardedGetOptions): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : undefined;
    if (!mod) return reject(new Error(`${target.protocol}// URLs are not fetched (only http and https)`));
    const host = target.hostname.replace(/^\[|\]$/g, '');
    try {
      guard.assertHost(host);
    } catch (refused) {
      return reject(refused);
    }
    const req = mod.get(target, {
      agent: false,
      lookup: guard.lookup,
      headers: options.headers,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    req.once('response', resolve);
    req.once('error', reject);
  });
}
