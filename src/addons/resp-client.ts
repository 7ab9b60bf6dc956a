/**
 * A minimal Redis client (RESP2 over TCP) for what Berth itself asks of its Redis instances:
 * AUTH, PING, CONFIG SET, INFO. One connection per call, commands pipelined, replies parsed,
 * a timeout on the whole exchange. Apps use real Redis clients; this is not one.
 */
import { connect } from 'node:net';

export type RespReply = string | number | null | RespError | RespReply[];

export class RespError extends Error {
  override readonly name = 'RespError';
}

/** Parses one reply at `offset`; undefined when the buffer does not hold all of it yet. */
export function parseReply(buf: Buffer, offset: number): { reply: RespReply; next: number } | undefined {
  const end = buf.indexOf('\r\n', offset);
  if (end < 0) return undefined;
  const type = String.fromCharCode(buf[offset]!);
  const line = buf.toString('utf8', offset + 1, end);
  switch (type) {
    case '+': return { reply: line, next: end + 2 };
    case '-': return { reply: new RespError(line), next: end + 2 };
    case ':': return { reply: Number(line), next: end + 2 };
    case '$': {
      const length = Number(line);
      if (length < 0) return { reply: null, next: end + 2 };
      if (buf.length < end + 2 + length + 2) return undefined;
      return { reply: buf.toString('utf8', end + 2, end + 2 + length), next: end + 2 + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { reply: null, next: end + 2 };
      const items: RespReply[] = [];
      let next = end + 2;
      for (let i = 0; i < count; i++) {
        const item = parseReply(buf, next);
        if (!item) return undefined;
        items.push(item.reply);
        next = item.next;
      }
      return { reply: items, next };
    }
    default:
      throw new RespError(`Unexpected Redis reply type ${JSON.stringify(type)}`);
  }
}

export const encodeCommand = (args: readonly string[]): string =>
  `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;

/** Sends `commands` on one connection and resolves with one reply per command (errors included). */
export function respCall(host: string, port: number, commands: ReadonlyArray<readonly string[]>, timeoutMs = 5_000): Promise<RespReply[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    let buf = Buffer.alloc(0);
    const replies: RespReply[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`Redis at ${host}:${port} did not answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on('connect', () => socket.write(commands.map(encodeCommand).join('')));
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let offset = 0;
      for (let parsed = parseReply(buf, offset); parsed; parsed = parseReply(buf, offset)) {
        replies.push(parsed.reply);
        offset = parsed.next;
      }
      buf = buf.subarray(offset);
      if (replies.length >= commands.length) {
        clearTimeout(timer);
        socket.end();
        resolve(replies);
      }
    });
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      if (replies.length < commands.length) reject(new Error(`Redis at ${host}:${port} closed the connection`));
    });
  });
}

/** Like respCall after `AUTH user password`; throws the first error reply. */
export async function respAdmin(host: string, port: number, auth: { user: string; password: string }, commands: ReadonlyArray<readonly string[]>): Promise<RespReply[]> {
  const replies = await respCall(host, port, [['AUTH', auth.user, auth.password], ...commands]);
  const failed = replies.find((r) => r instanceof RespError);
  if (failed) throw failed;
  return replies.slice(1);
}
