/**
 * A few RESP commands over a Redis URL (`redis://:password@host:port`), enough for
 * `redis:info` and `redis:maxmemory`: AUTH, INFO, CONFIG GET/SET maxmemory-policy. One short
 * connection per call, with a timeout; no client library.
 */
import { connect } from 'node:net';

const TIMEOUT_MS = 5_000;

function encode(args: string[]): string {
  return `*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`;
}

type Reply = string | null | Reply[] | Error;

/** Parses one RESP reply at `offset`; undefined when more bytes are needed. */
function parse(buf: string, offset: number): { value: Reply; end: number } | undefined {
  const eol = buf.indexOf('\r\n', offset);
  if (eol < 0) return undefined;
  const type = buf[offset];
  const head = buf.slice(offset + 1, eol);
  if (type === '+' || type === ':') return { value: head, end: eol + 2 };
  if (type === '-') return { value: new Error(head), end: eol + 2 };
  if (type === '$') {
    const len = Number(head);
    if (len < 0) return { value: null, end: eol + 2 };
    const bytes = Buffer.from(buf.slice(eol + 2), 'utf8');
    if (bytes.length < len + 2) return undefined;
    const value = bytes.subarray(0, len).toString('utf8');
    return { value, end: eol + 2 + value.length + 2 };
  }
  if (type === '*') {
    const n = Number(head);
    const items: Reply[] = [];
    let at = eol + 2;
    for (let i = 0; i < n; i++) {
      const item = parse(buf, at);
      if (!item) return undefined;
      items.push(item.value);
      at = item.end;
    }
    return { value: items, end: at };
  }
  throw new Error(`unexpected Redis reply ${JSON.stringify(buf.slice(offset, offset + 20))}`);
}

/** Sends the commands (after AUTH when the URL has a password) and returns their replies. */
export function redisCommands(url: string, commands: string[][]): Promise<Reply[]> {
  const u = new URL(url);
  const all = [...(u.password ? [u.username ? ['AUTH', decodeURIComponent(u.username), decodeURIComponent(u.password)] : ['AUTH', decodeURIComponent(u.password)]] : []), ...commands];
  return new Promise((resolve, reject) => {
    const socket = connect({ host: u.hostname, port: Number(u.port || 6379) });
    socket.setEncoding('utf8');
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    let buf = '';
    const replies: Reply[] = [];
    socket.on('connect', () => socket.write(all.map(encode).join('')));
    socket.on('data', (text: string) => {
      buf += text;
      for (;;) {
        const next = parse(buf, 0);
        if (!next) break;
        replies.push(next.value);
        buf = buf.slice(next.end);
      }
      if (replies.length === all.length) {
        socket.end();
        const failed = replies.find((r) => r instanceof Error);
        if (failed) reject(failed as Error);
        else resolve(replies.slice(all.length - commands.length));
      }
    });
    socket.on('error', (err) => reject(new Error(`the Redis server at ${u.hostname}:${u.port} does not answer: ${err.message}`)));
  });
}

export interface RedisServerFacts {
  version: string;
  maxmemoryBytes: number;
  maxmemoryPolicy: string;
  usedMemoryBytes: number;
  connectedClients: number;
}

export async function readRedisFacts(url: string): Promise<RedisServerFacts> {
  const [info] = await redisCommands(url, [['INFO']]);
  const fields = new Map<string, string>();
  for (const line of String(info).split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0) fields.set(line.slice(0, at), line.slice(at + 1));
  }
  return {
    version: fields.get('redis_version') ?? 'unknown',
    maxmemoryBytes: Number(fields.get('maxmemory') ?? 0),
    maxmemoryPolicy: fields.get('maxmemory_policy') ?? 'unknown',
    usedMemoryBytes: Number(fields.get('used_memory') ?? 0),
    connectedClients: Number(fields.get('connected_clients') ?? 0),
  };
}

export async function setRedisMaxmemoryPolicy(url: string, policy: string): Promise<void> {
  await redisCommands(url, [['CONFIG', 'SET', 'maxmemory-policy', policy]]);
}
