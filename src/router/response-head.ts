/** A dyno's response head, parsed strictly enough to frame the body and strip hop-by-hop headers. */
export interface ResponseHead {
  status: number;
  reason: string;
  /** End-to-end headers to relay, rendered `Name: value\r\n` (no framing, hop-by-hop or Via). */
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

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const STATUS_LINE = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?$/;

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 32 || s.charCodeAt(a) === 9)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 32 || s.charCodeAt(b - 1) === 9)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Parses `text` (the head as latin1 without the final CRLFCRLF); a string is the reason it is invalid. */
export function parseResponseHead(text: string): ResponseHead | string {
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = text.length;
  const m = STATUS_LINE.exec(text.slice(0, lineEnd));
  if (!m) return 'malformed status line';
  const http10 = m[1] === '0';
  const status = Number(m[2]);
  const reason = m[3] ?? '';

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
    const first = line.charCodeAt(0);
    if (first === 32 || first === 9) return 'obsolete line folding';
    const colon = line.indexOf(':');
    if (colon <= 0) return 'malformed header line';
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) return 'malformed header name';
    const value = trimOws(line.slice(colon + 1));
    if (BAD_VALUE.test(value)) return 'control characters in a header value';
    const lower = name.toLowerCase();
    switch (lower) {
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
        forward += `${name}: ${value}\r\n`;
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
  let keepAliveMs = -1;
  if (keepAlive !== null) {
    const t = /(?:^|[,;\s])timeout=(\d{1,6})/i.exec(keepAlive);
    if (t) keepAliveMs = Number(t[1]) * 1000;
  }
  return { status, reason, forward, contentLength, chunked, close, keepAliveMs, upgrade, via };
}
