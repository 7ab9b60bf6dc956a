// A tiny RESP client for tests, independent of Berth's own (src/addons/resp-client.ts): sends
// commands on one connection and returns each reply as text (`-ERR …` for errors, `(nil)`).
import { connect } from 'node:net';

export function redisCall(url: { host: string; port: number }, commands: string[][], timeoutMs = 5_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.host, port: url.port });
    let text = '';
    const timer = setTimeout(() => socket.destroy(new Error('redis test client timed out')), timeoutMs);
    socket.on('connect', () => {
      socket.write(commands.map((c) => `*${c.length}\r\n${c.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`).join(''));
    });
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => {
      text += d;
      const replies = parse(text);
      if (replies && replies.length >= commands.length) {
        clearTimeout(timer);
        socket.destroy();
        resolve(replies);
      }
    });
    socket.on('error', (err) => { clearTimeout(timer); reject(err); });
    socket.on('close', () => { clearTimeout(timer); reject(new Error(`connection closed after: ${JSON.stringify(text)}`)); });
  });
}

/** Top-level replies (simple, error, integer, bulk; arrays flattened to their joined items). */
function parse(text: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  const one = (): string | undefined => {
    const end = text.indexOf('\r\n', i);
    if (end < 0) return undefined;
    const type = text[i];
    const line = text.slice(i + 1, end);
    i = end + 2;
    if (type === '+' || type === ':') return line;
    if (type === '-') return `-${line}`;
    if (type === '$') {
      const n = Number(line);
      if (n < 0) return '(nil)';
      if (text.length < i + n + 2) return undefined;
      const value = text.slice(i, i + n);
      i += n + 2;
      return value;
    }
    if (type === '*') {
      const items: string[] = [];
      for (let k = 0; k < Number(line); k++) {
        const item = one();
        if (item === undefined) return undefined;
        items.push(item);
      }
      return items.join(' ');
    }
    return undefined;
  };
  while (i < text.length) {
    const reply = one();
    if (reply === undefined) return undefined;
    out.push(reply);
  }
  return out;
}

export function parseRedisUrl(url: string): { host: string; port: number; password: string } {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port), password: decodeURIComponent(u.password) };
}
