/** Node's fast path behind `buf.toString('latin1', start, end)` (no argument normalisation). */
interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
}

/** Bytes → string, one char per byte: byte-exact both ways, which headers need. */
export function latin1(buf: Buffer, start: number, end: number): string {
  return (buf as Latin1Buffer).latin1Slice(start, end);
}
