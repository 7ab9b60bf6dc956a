import { isFieldValue, isToken, trimOws } from './http-chars.js';

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

/** Parses `text` (the head as latin1 without the final CRLFCRLF); a string is the reason it is invalid. */
export function parseResponseHead(text: string): ResponseHead | string {
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
  let pos = lineEnd + 2;
  while (pos < text.length) {
    let next = text.indexOf('\r\n', pos);
    if (next === -1) next = text.length;
    const line = text.slice(pos, next);
    pos = next + 2;
    const colon = line.indexOf(':');
    if (colon <= 0) return 'malformed header line';
    const name = line.slice(0, colon);
    if (!isToken(name)) return name.charCodeAt(0) === 32 || name.charCodeAt(0) === 9 ? 'obsolete line folding' : 'malformed header name';
    const value = trimOws(line.slice(colon + 1));
    if (!isFieldValue(value)) return 'control characters in a header value';
    // Only names of these lengths need a look: 2 te, 3 via, 7 upgrade/trailer, 10 connection/
    // keep-alive, 14 content-length, 16 proxy-connection, 17 transfer-encoding.
    const len = name.length;
    const interesting = len === 2 || len === 3 || len === 7 || len === 10 || len === 14 || len === 16 || len === 17;
    switch (interesting ? name.toLowerCase() : '') {
      case 'content-length': {
        for (const part of value.split(',')) {
          const v = trimOws(part);
          if (!/^\d{1,15}$/.test(v)) return 'invalid Content-Length';
          const n = Number(v);
          if (contentLength !== -1 && contentLength !== n) return 'Content-Length headers disagree';
          contentLength = n;
        }
        break;
      }
      case 'transfer-encoding':
        te = te === null ? value : `${te}, ${value}`;
        break;
      case 'connection':
        connection = connection === '' ? value : `${connection}, ${value}`;
        break;
      case 'keep-alive':
        keepAlive = value;
        break;
      case 'upgrade':
        upgrade = value;
        break;
      case 'via':
        via = via === null ? value : `${via}, ${value}`;
        break;
      case 'proxy-connection':
      case 'te':
      case 'trailer':
        break;
      default:
        forward += `${line}\r\n`;
    }
  }

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
