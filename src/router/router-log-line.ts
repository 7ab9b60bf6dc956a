/** Heroku's router log line (`heroku[router]: at=info …`); core/log-line.ts holds the line model every source shares. */
import { routerCodes, type RouterCode } from '../core/router-codes.js';

/** One router log line's fields; -1 / '' mean "no dyno was reached" (printed empty, like Heroku). */
export interface RouterLogFields {
  code: RouterCode | null;
  method: string;
  path: string;
  host: string;
  requestId: string;
  fwd: string;
  dyno: string;
  connectMs: number;
  serviceMs: number;
  status: number;
  bytes: number;
  protocol: 'http' | 'https';
}

const NEEDS_ESCAPE = /["\\\x00-\x1f\x7f-\uffff]/;

function quoted(value: string): string {
  if (!NEEDS_ESCAPE.test(value)) return `"${value}"`;
  return JSON.stringify(value).replace(/[\x7f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const ms = (n: number) => (n < 0 ? '' : `${n}ms`);

/**
 * Heroku's router line: `at=info method=GET path="/" host=… request_id=… fwd="…" dyno=web.1
 * connect=1ms service=12ms status=200 bytes=1234 protocol=http`; errors start
 * `at=error code=H12 desc="Request timeout"`.
 */
export function routerLogLine(f: RouterLogFields): string {
  const head = f.code === null ? 'at=info' : `at=error code=${f.code} desc="${routerCodes[f.code].desc}"`;
  return `${head} method=${f.method} path=${quoted(f.path)} host=${f.host} request_id=${f.requestId} fwd=${quoted(f.fwd)} dyno=${f.dyno} connect=${ms(f.connectMs)} service=${ms(f.serviceMs)} status=${f.status} bytes=${f.bytes} protocol=${f.protocol}`;
}
