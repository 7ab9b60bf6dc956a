/**
 * The gate's wire format over its unix socket (gate-main.ts ↔ gate-server.ts), one module for both
 * ends. The gate opens with one JSON line (GateRequest). For `key` the server answers one JSON line
 * (GateKeyAnswer). For `git` the gate then streams the SSH client's stdin as raw bytes (half-close
 * = EOF) and the server answers with frames: kind (1 byte) + length (uint32 BE) + payload, where
 * kind 1 is stdout, 2 stderr and 3 the exit status (one byte).
 */

export type GateRequest =
  | { op: 'key'; key: string }
  | { op: 'git'; key: string; command?: string; protocol?: string };

export interface GateKeyAnswer {
  known: boolean;
}

export const FRAME = { stdout: 1, stderr: 2, exit: 3 } as const;
export type FrameKind = (typeof FRAME)[keyof typeof FRAME];

/** The longest request line either end accepts. */
export const MAX_REQUEST_LINE = 64 * 1024;

export function frame(kind: FrameKind, payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt8(kind, 0);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** Splits a byte stream into frames; `push` each chunk, frames come out of `onFrame` in order. */
export class FrameReader {
  private pending: Buffer = Buffer.alloc(0);
  constructor(private readonly onFrame: (kind: number, payload: Buffer) => void) {}
  push(chunk: Buffer): void {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (this.pending.length >= 5) {
      const length = this.pending.readUInt32BE(1);
      if (this.pending.length < 5 + length) return;
      const kind = this.pending.readUInt8(0);
      const payload = this.pending.subarray(5, 5 + length);
      this.pending = this.pending.subarray(5 + length);
      this.onFrame(kind, payload);
    }
  }
}

/** Reads the first line of a socket's data; the bytes after it are handed back as `rest`. */
export function firstLine(chunks: Buffer[], chunk: Buffer): { line: string; rest: Buffer } | undefined {
  chunks.push(chunk);
  const all = Buffer.concat(chunks);
  const end = all.indexOf(0x0a);
  if (end < 0) return undefined;
  return { line: all.subarray(0, end).toString('utf8'), rest: all.subarray(end + 1) };
}
