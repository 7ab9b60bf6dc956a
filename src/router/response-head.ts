import { isFieldValue, isFieldValueRange, tokenColon, trimOws } from './http-chars.js';

/** A dyno's response head, parsed strictly enough to frame the body and strip hop-by-hop headers. */
export interface ResponseHead {
  status: number;
  reason: string;
  /** End-to-end header lines to relay, each ending in CRLF (no framing, hop-by-hop or Via). */
  forward: string;
  /** -1 when absent (or ignored because the body is chunked). */
  contentLength: number;
  chunked: boolean;
  /** The dyno will close the connection after this response (or must not be reused). */
  close: boolean;
  /** `Keep-Alive: timeout=N` from the dyno, in ms; -1 when absent. */
  keepAliveMs: number;
  upgrade: string | null;
  via: string | null;
}

/** `HTTP/1.x NNN reason`: returns [http10, status, reason] or null. */
function statusLine(line: string): [boolean, number, string] | null {
  if (line.length < 12 || !line.startsWith('HTTP/1.') || line.charCodeAt(8) !== 32) return null;
  const minor = line.charCodeAt(7);
  if (minor !== 48 && minor !== 49) return null;
  const d0 = line.charCodeAt(9) - 48;
  const d1 = line.charCodeAt(10) - 48;
  const d2 = line.charCodeAt(11) - 48;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  let reason = '';
  if (line.length > 12) {
    if (line.charCodeAt(12) !== 32) return null;
    reason = line.slice(13);
    if (!isFieldValue(reason)) return null;
  }
  return [minor === 48, d0 * 100 + d1 * 10 + d2, reason];
}

function keepAliveTimeout(value: string): number {
  const i = value.toLowerCase().indexOf('timeout=');
  if (i === -1) return -1;
  const n = parseInt(value.slice(i + 8), 10);
  return Number.isFinite(n) && n >= 0 ? n * 1000 : -1;
}

/**
 * A Set-Cookie value without Domain attributes that name `domain` or a parent of it (`Domain=
 * berth.example` or `.example` for apps under berth.example); null when nothing had to go.
 */
export function stripSharedCookieDomain(value: string, domain: string): string | null {
  const parts = value.split(';');
  const kept = parts.filter((part, i) => {
    if (i === 0) return true;
    const attr = part.trim();
    if (attr.length < 7 || attr.slice(0, 7).toLowerCase() !== 'domain=') return true;
    const named = attr.slice(7).trim().replace(/^\./, '').toLowerCase();
    return !(named === domain || domain.endsWith(`.${named}`));
  });
  return kept.length === parts.length ? null : kept.join(';');
}

/**
 * Parses `text` (the head as latin1 without the final CRLFCRLF); a string is the reason it is
 * invalid. With `cookieDomain`, Set-Cookie Domain attributes naming it or a parent are dropped.
 */
export function parseResponseHead(text: string, cookieDomain = ''): ResponseHead | string {
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = text.length;
  const sl = statusLine(text.slice(0, lineEnd));
  if (sl === null) return 'malformed status line';
  const [http10, status, reason] = sl;

  let forward = '';
  let contentLength = -1;
  let te: string | null = null;
  let connection = '';
  let keepAlive: string | null = null;
  let upgrade: string | null = null;
  let via: string | null = null;
  const len = text.length;
  let pos = lineEnd + 2;
  let run = pos;
  while (pos < len) {
    let next = text.indexOf('\r\n', pos);
    if (next === -1) next = len;
    const colon = tokenColon(text, pos, next);
    if (colon < 0) {
      const first = text.charCodeAt(pos);
      return first === 32 || first === 9 ? 'obsolete line folding' : 'malformed header line';
    }
    let vs = colon + 1;
    let ve = next;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    if (!isFieldValueRange(text, vs, ve)) return 'control characters in a header value';
    // Only names of these lengths need a look: 2 te, 3 via, 7 upgrade/trailer, 10 connection/
    // keep-alive/set-cookie, 14 content-length, 16 proxy-connection, 17 transfer-encoding.
    const n = colon - pos;
    if (n === 2 || n === 3 || n === 7 || n === 10 || n === 14 || n === 16 || n === 17) {
      let keep = false;
      switch (text.slice(pos, colon).toLowerCase()) {
        case 'content-length': {
          for (const part of text.slice(vs, ve).split(',')) {
            const v = trimOws(part);
            if (!/^\d{1,15}$/.test(v)) return 'invalid Content-Length';
            const cl = Number(v);
            if (contentLength !== -1 && contentLength !== cl) return 'Content-Length headers disagree';
            contentLength = cl;
          }
          break;
        }
        case 'transfer-encoding':
          te = te === null ? text.slice(vs, ve) : `${te}, ${text.slice(vs, ve)}`;
          break;
        case 'connection':
          connection = connection === '' ? text.slice(vs, ve) : `${connection}, ${text.slice(vs, ve)}`;
          break;
        case 'keep-alive':
          keepAlive = text.slice(vs, ve);
          break;
        case 'upgrade':
          upgrade = text.slice(vs, ve);
          break;
        case 'via':
          via = via === null ? text.slice(vs, ve) : `${via}, ${text.slice(vs, ve)}`;
          break;
        case 'set-cookie': {
          const stripped = cookieDomain === '' ? null : stripSharedCookieDomain(text.slice(vs, ve), cookieDomain);
          if (stripped === null) keep = true;
          else {
            if (pos > run) forward += text.slice(run, pos);
            forward += `${text.slice(pos, colon)}: ${stripped}\r\n`;
            run = next + 2;
            keep = true;
          }
          break;
        }
        case 'proxy-connection':
        case 'te':
        case 'trailer':
          break;
        default:
          keep = true;
      }
      if (!keep) {
        if (pos > run) forward += text.slice(run, pos);
        run = next + 2;
      }
    }
    pos = next + 2;
  }
  if (run < len) forward += `${text.slice(run, len)}\r\n`;

  let close = false;
  let keepAliveToken = false;
  let extra: Set<string> | null = null;
  if (connection !== '') {
    for (const raw of connection.split(',')) {
      const token = trimOws(raw).toLowerCase();
      if (token === 'close') close = true;
      else if (token === 'keep-alive') keepAliveToken = true;
      else if (token !== '' && token !== 'upgrade' && token !== 'content-length' && token !== 'transfer-encoding') (extra ??= new Set()).add(token);
    }
  }
  if (http10 && !keepAliveToken) close = true;
  let chunked = false;
  if (te !== null) {
    const codings = te.toLowerCase().split(',').map(trimOws);
    if (codings[codings.length - 1] === 'chunked') chunked = true;
    else close = true; // read until the dyno closes
    if (contentLength !== -1) {
      // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length; never reuse the connection.
      contentLength = -1;
      close = true;
    }
  }
  if (extra !== null) {
    const drop = extra;
    forward = forward
      .split('\r\n')
      .filter((l) => l !== '' && !drop.has(l.slice(0, l.indexOf(':')).toLowerCase()))
      .map((l) => `${l}\r\n`)
      .join('');
  }
  const keepAliveMs = keepAlive === null ? -1 : keepAliveTimeout(keepAlive);
  return { status, reason, forward, contentLength, chunked, close, keepAliveMs, upgrade, via };
}
