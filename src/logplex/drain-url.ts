import { PlatformError } from '../core/errors.js';

export type DrainTarget =
  | { readonly kind: 'syslog'; readonly tls: boolean; readonly host: string; readonly port: number }
  | {
      readonly kind: 'http';
      readonly tls: boolean;
      readonly host: string;
      readonly port: number;
      /** Path and query, sent as the request target. */
      readonly path: string;
      /** From the URL's userinfo, sent as basic auth. */
      readonly auth: { readonly user: string; readonly password: string } | undefined;
    };

const EXAMPLES = 'syslog+tls://logs.example.com:6514, syslog+tcp://logs.example.com:514 or https://user:pass@logs.example.com/drain';

const invalid = (url: string, why: string): PlatformError =>
  new PlatformError('invalid_params', `Drain URL ${JSON.stringify(url)} is invalid: ${why}. Use ${EXAMPLES}.`);

/** Validates a drain URL (what `POST /apps/:app/log-drains {"url"}` sends). */
export function parseDrainUrl(url: unknown): DrainTarget {
  if (typeof url !== 'string' || url.trim() === '') throw invalid(String(url), 'it is empty');
  if (url.length > 2048) throw invalid(`${url.slice(0, 40)}…`, 'it is longer than 2048 characters');
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(url)) throw invalid(url, 'it contains whitespace or control characters');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'it is not a URL');
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  if (scheme === 'syslog' || scheme === 'syslog+tcp' || scheme === 'syslog+tls') {
    if (!host) throw invalid(url, 'it names no host');
    if (!parsed.port || parsed.port === '0') throw invalid(url, `syslog drains need a port (${scheme}://host:port)`);
    if (parsed.username || parsed.password) throw invalid(url, 'syslog drains cannot carry credentials');
    return { kind: 'syslog', tls: scheme === 'syslog+tls', host, port: Number(parsed.port) };
  }
  if (scheme === 'https' || scheme === 'http') {
    if (!host) throw invalid(url, 'it names no host');
    const auth = parsed.username || parsed.password
      ? { user: decodeURIComponent(parsed.username), password: decodeURIComponent(parsed.password) }
      : undefined;
    const port = parsed.port ? Number(parsed.port) : scheme === 'https' ? 443 : 80;
    return { kind: 'http', tls: scheme === 'https', host, port, path: `${parsed.pathname}${parsed.search}`, auth };
  }
  if (scheme === 'syslog+udp' || scheme === 'udp') throw invalid(url, 'UDP syslog is not supported (it loses lines silently)');
  throw invalid(url, `the scheme ${scheme}:// is not supported`);
}

/** The URL with any password replaced by `***`: what in-band error lines show. */
export function redactDrainUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
