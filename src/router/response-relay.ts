import { HSTS_HEADER } from './plain-http.js';
import { ChunkedFramer, FRAMER_ERROR } from './chunked-framer.js';
import { latin1 } from './latin1.js';
import type { RequestHead } from './request-head.js';
import { parseResponseHead, type ResponseHead } from './response-head.js';

/** What the relay writes to (the client connection). */
export interface RelayClient {
  readonly ended: boolean;
  write(data: Buffer): boolean;
  writeHead(head: string, body: Buffer | null): boolean;
}

/** The exchange, as the relay reports to it. */
export interface RelayOwner {
  readonly requestComplete: boolean;
  pauseBackend(): void;
  responseStarted(): void;
  responseComplete(): void;
  responseFailed(code: 'H17'): void;
  upgraded(h: ResponseHead, buf: Buffer, rest: number): void;
}

const enum Mode { None, Length, Chunked, Decode, Close }
const CRLFCRLF = Buffer.from('\r\n\r\n');

/**
 * The dyno → client half of an exchange: parses the response head (relaying 1xx), rewrites it
 * (hop-by-hop out, Via in, framing and Connection for this client) and relays the body as it
 * arrives, framed by Content-Length, chunked (verbatim; decoded for HTTP/1.0 clients) or the
 * dyno closing. Head and a small first body part leave in one write.
 */
export class ResponseRelay {
  #started = false;
  #status = 0;
  #bytes = 0;
  #closeClient = false;
  #reusable = true;
  #keepAliveMs = -1;
  #partial: Buffer | null = null;
  #mode = Mode.None;
  #remaining = 0;
  #framer: ChunkedFramer | null = null;

  constructor(
    private readonly owner: RelayOwner,
    private readonly client: RelayClient,
    private readonly req: RequestHead,
    private readonly via: string,
    private readonly maxHeadBytes: number,
    private readonly cookieDomain: string = '',
    /** Add Strict-Transport-Security unless the dyno sent its own (an HTTPS request to an app with `hsts`). */
    private readonly hsts = false,
  ) {}

  /** The response head went to the client: a failure now can only close the connection. */
  get started(): boolean {
    return this.#started;
  }

  /** The status the router log line reports (the dyno's, or the router's own error page's). */
  get status(): number {
    return this.#status;
  }

  /** Bytes written to the client. */
  get bytes(): number {
    return this.#bytes;
  }

  /** The client connection must close after this response. */
  get closeClient(): boolean {
    return this.#closeClient;
  }

  /** The dyno connection can serve another request afterwards. */
  get reusable(): boolean {
    return this.#reusable;
  }

  /** The dyno's Keep-Alive timeout in ms, -1 when it sent none. */
  get keepAliveMs(): number {
    return this.#keepAliveMs;
  }

  /** The dyno switched protocols: the 101 head (`headBytes` with early tunnel bytes) went to the client. */
  markUpgraded(headBytes: number): void {
    this.#status = 101;
    this.#started = true;
    this.#bytes += headBytes;
  }

  /** Tunnel bytes relayed to the client after a 101. */
  countTunnelBytes(n: number): void {
    this.#bytes += n;
  }

  /** The router answered (or gave up) itself: the status, and the bytes when it sent a page. */
  recordStatus(status: number, bytes?: number): void {
    this.#status = status;
    if (bytes !== undefined) this.#bytes = bytes;
  }

  /** Part of a response head has arrived (a close now is H17 rather than H13). */
  get headPending(): boolean {
    return this.#partial !== null;
  }

  /** The body ends when the dyno closes the connection. */
  get untilClose(): boolean {
    return this.#mode === Mode.Close;
  }

  onData(chunk: Buffer): void {
    if (this.#started) this.#relay(chunk, 0, null);
    else this.#head(chunk);
  }

  #head(chunk: Buffer): void {
    let buf = chunk;
    if (this.#partial !== null) {
      buf = Buffer.concat([this.#partial, chunk]);
      this.#partial = null;
    }
    const idx = buf.indexOf(CRLFCRLF);
    if (idx === -1) {
      if (buf.length > this.maxHeadBytes) return this.owner.responseFailed('H17');
      this.#partial = buf;
      return;
    }
    const h = parseResponseHead(latin1(buf, 0, idx), this.cookieDomain);
    if (typeof h === 'string') return this.owner.responseFailed('H17');
    const rest = idx + 4;
    if (h.status < 200) {
      if (h.status === 101) return this.owner.upgraded(h, buf, rest);
      if (!this.req.http10) this.client.write(Buffer.from(`HTTP/1.1 ${h.status} ${h.reason}\r\n${h.forward}\r\n`, 'latin1'));
      if (rest < buf.length) this.#head(buf.subarray(rest));
      return;
    }
    this.#start(h, buf, rest);
  }

  #start(h: ResponseHead, buf: Buffer, rest: number): void {
    const r = this.req;
    let framing = '';
    if (r.method === 'HEAD' || h.status === 204 || h.status === 304) {
      this.#mode = Mode.None;
      if (h.contentLength >= 0 && h.status !== 204) framing = `Content-Length: ${h.contentLength}\r\n`;
    } else if (h.chunked) {
      if (r.http10) {
        this.#mode = Mode.Decode;
        this.#closeClient = true;
        this.#framer = new ChunkedFramer((b, s, e) => {
          this.#bytes += e - s;
          if (!this.client.write(b.subarray(s, e))) this.owner.pauseBackend();
        });
      } else {
        this.#mode = Mode.Chunked;
        this.#framer = new ChunkedFramer();
        framing = 'Transfer-Encoding: chunked\r\n';
      }
    } else if (h.contentLength >= 0) {
      this.#mode = Mode.Length;
      this.#remaining = h.contentLength;
      framing = `Content-Length: ${h.contentLength}\r\n`;
    } else {
      this.#mode = Mode.Close;
      this.#closeClient = true;
    }
    if (!r.keepAlive || !this.owner.requestComplete || this.client.ended) this.#closeClient = true;
    if (h.close || this.#mode === Mode.Close) this.#reusable = false;
    this.#keepAliveMs = h.keepAliveMs;
    const connection = this.#closeClient ? 'Connection: close\r\n' : r.http10 ? 'Connection: keep-alive\r\n' : '';
    const via = h.via === null ? this.via : `${h.via}, ${this.via}`;
    const sts = this.hsts && !/^strict-transport-security:/im.test(h.forward) ? HSTS_HEADER : '';
    const head = `HTTP/1.1 ${h.status} ${h.reason}\r\n${h.forward}${sts}${framing}${connection}Via: ${via}\r\n\r\n`;
    this.#started = true;
    this.#status = h.status;
    this.owner.responseStarted();
    if (this.#mode === Mode.None) {
      if (rest < buf.length) this.#reusable = false;
      this.#bytes += head.length;
      this.client.writeHead(head, null);
      return this.owner.responseComplete();
    }
    this.#relay(buf, rest, head);
  }

  #relay(buf: Buffer, start: number, head: string | null): void {
    const end = buf.length;
    let stop = end;
    let done = false;
    switch (this.#mode) {
      case Mode.Length: {
        const n = Math.min(this.#remaining, end - start);
        this.#remaining -= n;
        stop = start + n;
        done = this.#remaining === 0;
        if (stop < end) this.#reusable = false;
        break;
      }
      case Mode.Chunked: {
        const r = (this.#framer as ChunkedFramer).feed(buf, start, end);
        if (r === FRAMER_ERROR) return this.owner.responseFailed('H17');
        if (r >= 0) {
          stop = r;
          done = true;
          if (stop < end) this.#reusable = false;
        }
        break;
      }
      case Mode.Decode: {
        if (head !== null) {
          this.#bytes += head.length;
          this.client.writeHead(head, null);
        }
        const r = (this.#framer as ChunkedFramer).feed(buf, start, end);
        if (r === FRAMER_ERROR) return this.owner.responseFailed('H17');
        if (r >= 0) this.owner.responseComplete();
        return;
      }
      default:
        break;
    }
    let ok = true;
    if (head !== null) {
      this.#bytes += head.length + (stop - start);
      if (head.length <= start) {
        // The rewritten head fits where the dyno's head was (it usually does: Node sends
        // Connection and Keep-Alive, which go): write it there, and send head and body as one
        // buffer, without copying the body.
        const at = start - head.length;
        buf.write(head, at, 'latin1');
        ok = this.client.write(buf.subarray(at, stop));
      } else {
        ok = this.client.writeHead(head, stop > start ? buf.subarray(start, stop) : null);
      }
    } else if (stop > start) {
      this.#bytes += stop - start;
      ok = this.client.write(start === 0 && stop === end ? buf : buf.subarray(start, stop));
    }
    if (done) return this.owner.responseComplete();
    if (!ok) this.owner.pauseBackend();
  }
}
