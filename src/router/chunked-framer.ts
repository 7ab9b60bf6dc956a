/**
 * Finds where a chunked body ends without copying it: the router relays chunks verbatim and only
 * needs to know the boundary (and reject bad chunk sizes, a smuggling vector). With `onData` set
 * it also decodes (for HTTP/1.0 clients, which cannot receive chunked).
 */
const enum S {
  SizeStart,
  Size,
  Ext,
  SizeLf,
  Data,
  DataCr,
  DataLf,
  TrailerStart,
  Trailer,
  TrailerLf,
  FinalLf,
  Done,
}

const MAX_SIZE_DIGITS = 13; // < 2^52: exact in a double
const MAX_EXT_BYTES = 4096;
const MAX_TRAILER_BYTES = 32 * 1024;

export const FRAMER_NEED_MORE = -1;
export const FRAMER_ERROR = -2;

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

export class ChunkedFramer {
  #state = S.SizeStart;
  #size = 0;
  #digits = 0;
  #meta = 0;
  error = '';

  constructor(private readonly onData?: (buf: Buffer, start: number, end: number) => void) {}

  get done(): boolean {
    return this.#state === S.Done;
  }

  /**
   * Consumes buf[start, end). Returns the index just past the body's final CRLF when the body
   * ends inside this range, FRAMER_NEED_MORE when it continues, FRAMER_ERROR when it is invalid.
   */
  feed(buf: Buffer, start: number, end: number): number {
    let i = start;
    while (i < end) {
      switch (this.#state) {
        case S.Data: {
          const n = Math.min(this.#size, end - i);
          if (this.onData) this.onData(buf, i, i + n);
          this.#size -= n;
          i += n;
          if (this.#size === 0) this.#state = S.DataCr;
          continue;
        }
        case S.SizeStart:
        case S.Size: {
          const c = buf[i] as number;
          const h = hexValue(c);
          if (h >= 0) {
            if (++this.#digits > MAX_SIZE_DIGITS) return this.#fail('chunk size too large');
            this.#size = this.#size * 16 + h;
            this.#state = S.Size;
          } else if (this.#state === S.Size && c === 59 /* ; */) {
            this.#state = S.Ext;
            this.#meta = 0;
          } else if (this.#state === S.Size && c === 13) {
            this.#state = S.SizeLf;
          } else {
            return this.#fail('invalid chunk size');
          }
          break;
        }
        case S.Ext: {
          const c = buf[i] as number;
          if (c === 13) this.#state = S.SizeLf;
          else if ((c < 32 && c !== 9) || c === 127 || ++this.#meta > MAX_EXT_BYTES) return this.#fail('invalid chunk extension');
          break;
        }
        case S.SizeLf:
          if (buf[i] !== 10) return this.#fail('chunk size line not ended by CRLF');
          this.#digits = 0;
          if (this.#size === 0) {
            this.#state = S.TrailerStart;
            this.#meta = 0;
          } else {
            this.#state = S.Data;
          }
          break;
        case S.DataCr:
          if (buf[i] !== 13) return this.#fail('chunk data longer than its size');
          this.#state = S.DataLf;
          break;
        case S.DataLf:
          if (buf[i] !== 10) return this.#fail('chunk data not ended by CRLF');
          this.#state = S.SizeStart;
          break;
        case S.TrailerStart:
          if (buf[i] === 13) this.#state = S.FinalLf;
          else this.#state = S.Trailer;
          if (++this.#meta > MAX_TRAILER_BYTES) return this.#fail('trailers too large');
          break;
        case S.Trailer: {
          const c = buf[i] as number;
          if (c === 13) this.#state = S.TrailerLf;
          else if (c === 10 || c === 0 || ++this.#meta > MAX_TRAILER_BYTES) return this.#fail('invalid trailer');
          break;
        }
        case S.TrailerLf:
          if (buf[i] !== 10) return this.#fail('trailer line not ended by CRLF');
          this.#state = S.TrailerStart;
          break;
        case S.FinalLf:
          if (buf[i] !== 10) return this.#fail('chunked body not ended by CRLF');
          this.#state = S.Done;
          return i + 1;
        case S.Done:
          return i;
      }
      i++;
    }
    return FRAMER_NEED_MORE;
  }

  #fail(reason: string): number {
    this.error = reason;
    return FRAMER_ERROR;
  }
}
