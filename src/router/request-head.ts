import { normalizeHost } from '../core/route-table.js';
import type { RouterCode } from '../core/router-codes.js';
import { isFieldValueRange, isToken, tokenColon, trimOws } from './http-chars.js';

/** A client's request head, parsed strictly (RFC 9112) and split into what the router needs. */
export interface RequestHead {
  method: string;
  /** origin-form (`/path?q`), or `*` for `OPTIONS *`; absolute-form is reduced to its path. */
  target: string;
  http10: boolean;
  /** The Host as received (absolute-form: the URI's authority), and its routing key. */
  host: string;
  hostKey: string;
  /** End-to-end headers to forward, rendered `Name: value\r\n` (no Host, framing or hop-by-hop). */
  forward: string;
  /** -1 when absent. */
  contentLength: number;
  /** The Transfer-Encoding value when the body is chunked, else null. */
  transferEncoding: string | null;
  keepAlive: boolean;
  /** The Upgrade value when `Connection: upgrade` asks for one, else null. */
  upgrade: string | null;
  expectContinue: boolean;
  xForwardedFor: string | null;
  xRequestId: string | null;
  via: string | null;
  /** Lower-case header names listed in Connection (other than close/keep-alive/upgrade). */
  connectionNames: string[] | null;
}

export interface HeadError {
  code: Extract<RouterCode, 'H25' | 'H26'>;
  status: number;
  reason: string;
}

export interface HeadLimits {
  maxRequestLineBytes: number;
  maxHeaderLineBytes: number;
  maxHeaders: number;
}

const TARGET = /^[\x21-\x7e\x80-\xff]+$/;
const CL_VALUE = /^\d{1,15}$/;
/** Header names the router reads or drops have these lengths; others are forwarded unread. */
const INTERESTING_LENGTHS = new Uint8Array(32);
for (const n of [2, 3, 4, 6, 7, 10, 12, 14, 15, 16, 17]) INTERESTING_LENGTHS[n] = 1;

const restriction = (reason: string): HeadError => ({ code: 'H25', status: 431, reason });
const malformed = (reason: string, status = 400): HeadError => ({ code: 'H26', status, reason });

function parseContentLength(value: string, prior: number): number | HeadError {
  let n = prior;
  for (const part of value.split(',')) {
    const v = trimOws(part);
    if (!CL_VALUE.test(v)) return malformed(`Content-Length ${JSON.stringify(value.slice(0, 40))} is not a number`);
    const m = Number(v);
    if (n !== -1 && n !== m) return malformed('Content-Length headers disagree');
    n = m;
  }
  return n;
}

/** Parses `text` (the head as latin1, without the final CRLFCRLF). */
export function parseRequestHead(text: string, limits: HeadLimits): RequestHead | HeadError {
  let lineEnd = text.indexOf('\r\n');
  if (lineEnd === -1) lineEnd = text.length;
  if (lineEnd > limits.maxRequestLineBytes) return restriction(`The request line is over ${limits.maxRequestLineBytes} bytes`);
  const sp1 = text.indexOf(' ');
  const sp2 = sp1 === -1 ? -1 : text.indexOf(' ', sp1 + 1);
  if (sp1 <= 0 || sp2 === -1 || sp2 > lineEnd) return malformed('Malformed request line');
  const method = text.slice(0, sp1);
  let target = text.slice(sp1 + 1, sp2);
  const version = text.slice(sp2 + 1, lineEnd);
  if (!isToken(method) || !TARGET.test(target)) return malformed('Malformed request line');
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') return malformed('Only HTTP/1.0 and HTTP/1.1 are supported');
  if (method === 'CONNECT') return malformed('CONNECT is not supported');
  const http10 = version === 'HTTP/1.0';

  let absoluteHost: string | null = null;
  if (target.charCodeAt(0) !== 47 /* / */) {
    const m = /^https?:\/\/([^/?#]+)(.*)$/i.exec(target);
    if (m) {
      absoluteHost = m[1] ?? '';
      target = m[2] || '/';
      if (target.charCodeAt(0) !== 47) target = `/${target}`;
    } else if (!(target === '*' && method === 'OPTIONS')) {
      return malformed('Malformed request target');
    }
  }

  let forward = '';
  let host: string | null = null;
  let hostCount = 0;
  let contentLength = -1;
  let te: string | null = null;
  let connection: string | null = null;
  let upgradeValue: string | null = null;
  let expect: string | null = null;
  let xff: string | null = null;
  let xrid: string | null = null;
  let via: string | null = null;
  let count = 0;

  // Lines are checked in place; runs of forwarded lines are sliced out of `text` whole.
  const len = text.length;
  let pos = lineEnd + 2;
  let run = pos;
  while (pos < len) {
    let next = text.indexOf('\r\n', pos);
    if (next === -1) next = len;
    if (next - pos > limits.maxHeaderLineBytes) return restriction(`A header line is over ${limits.maxHeaderLineBytes} bytes`);
    if (++count > limits.maxHeaders) return restriction(`More than ${limits.maxHeaders} headers`);
    const colon = tokenColon(text, pos, next);
    if (colon < 0) {
      const first = text.charCodeAt(pos);
      return malformed(first === 32 || first === 9 ? 'Obsolete line folding in headers' : 'Malformed header line');
    }
    let vs = colon + 1;
    let ve = next;
    while (vs < ve && (text.charCodeAt(vs) === 32 || text.charCodeAt(vs) === 9)) vs++;
    while (ve > vs && (text.charCodeAt(ve - 1) === 32 || text.charCodeAt(ve - 1) === 9)) ve--;
    if (!isFieldValueRange(text, vs, ve)) return malformed('Control characters in a header value');
    const nameLen = colon - pos;
    if (nameLen < 32 && INTERESTING_LENGTHS[nameLen] === 1) {
      let keep = false;
      switch (text.slice(pos, colon).toLowerCase()) {
        case 'host':
          host = text.slice(vs, ve);
          hostCount++;
          break;
        case 'content-length': {
          const n = parseContentLength(text.slice(vs, ve), contentLength);
          if (typeof n !== 'number') return n;
          contentLength = n;
          break;
        }
        case 'transfer-encoding':
          te = te === null ? text.slice(vs, ve) : `${te}, ${text.slice(vs, ve)}`;
          break;
        case 'connection':
          connection = connection === null ? text.slice(vs, ve) : `${connection}, ${text.slice(vs, ve)}`;
          break;
        case 'upgrade':
          upgradeValue = text.slice(vs, ve);
          break;
        case 'expect':
          expect = text.slice(vs, ve);
          break;
        case 'x-forwarded-for':
          xff = xff === null ? text.slice(vs, ve) : `${xff}, ${text.slice(vs, ve)}`;
          break;
        case 'x-request-id':
          xrid = text.slice(vs, ve);
          break;
        case 'via':
          via = via === null ? text.slice(vs, ve) : `${via}, ${text.slice(vs, ve)}`;
          break;
        case 'keep-alive':
        case 'proxy-connection':
        case 'te':
        case 'trailer':
        case 'x-forwarded-proto':
        case 'x-forwarded-port':
        case 'x-request-start':
        case 'connect-time':
        case 'total-route-time':
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

  if (absoluteHost !== null) host = absoluteHost;
  else if (hostCount !== 1) return malformed(hostCount === 0 ? 'The Host header is missing' : 'More than one Host header');
  const hostKey = host === null ? undefined : normalizeHost(host);
  if (host === null || hostKey === undefined) return malformed('The Host header is not a valid host name');

  if (te !== null) {
    if (contentLength !== -1) return malformed('Both Content-Length and Transfer-Encoding are present');
    if (http10) return malformed('Transfer-Encoding is not allowed in HTTP/1.0');
    const codings = te.toLowerCase().split(',').map(trimOws);
    if (codings[codings.length - 1] !== 'chunked' || codings.indexOf('chunked') !== codings.length - 1) {
      return malformed('Transfer-Encoding must end with a single chunked');
    }
  }

  let close = false;
  let keepAliveToken = false;
  let upgrade: string | null = null;
  let connectionNames: string[] | null = null;
  if (connection !== null) {
    for (const raw of connection.split(',')) {
      const token = trimOws(raw).toLowerCase();
      if (token === 'close') close = true;
      else if (token === 'keep-alive') keepAliveToken = true;
      else if (token === 'upgrade') upgrade = http10 ? null : upgradeValue;
      else if (token !== '' && token !== 'host' && token !== 'content-length' && token !== 'transfer-encoding') {
        (connectionNames ??= []).push(token);
      }
    }
  }
  const keepAlive = !close && (!http10 || keepAliveToken);
  if (connectionNames !== null) {
    const drop = new Set(connectionNames);
    forward = forward
      .split('\r\n')
      .filter((l) => l !== '' && !drop.has(l.slice(0, l.indexOf(':')).toLowerCase()))
      .map((l) => `${l}\r\n`)
      .join('');
  }

  let expectContinue = false;
  if (expect !== null) {
    if (expect.toLowerCase() !== '100-continue') return malformed(`Expect: ${expect.slice(0, 40)} is not supported`, 417);
    expectContinue = !http10;
    if (expectContinue) forward += 'Expect: 100-continue\r\n';
  }

  return {
    method, target, http10, host, hostKey, forward, contentLength, transferEncoding: te, keepAlive, upgrade, expectContinue,
    xForwardedFor: xff, xRequestId: xrid, via, connectionNames,
  };
}
