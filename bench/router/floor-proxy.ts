/**
 * The floor of a Node data plane, for comparison only (never used by Berth): a node:cluster
 * proxy on net sockets that does the least a router must (parse the head, add the forwarding
 * headers nginx adds, keep-alive pools, Content-Length responses only) and nothing else: no
 * logs, no timeouts, no checks. argv: port dynoPort1 dynoPort2. Prints "ready <port>".
 */
import cluster from 'node:cluster';
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { connect, createServer, type Socket } from 'node:net';

const [port, ...dynos] = process.argv.slice(2).map(Number);
const CRLF2 = Buffer.from('\r\n\r\n');
const HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'te', 'trailer', 'upgrade']);

interface Upstream extends Socket {
  onBody?: ((d: Buffer) => void) | null;
}

function worker(): void {
  const pools = dynos.map((p) => ({ port: p, idle: [] as Upstream[] }));
  let rr = 0;
  const take = (i: number): Upstream => {
    const pool = pools[i] as { port: number; idle: Upstream[] };
    const s = pool.idle.pop();
    if (s) return s;
    const c: Upstream = connect({ port: pool.port, host: '127.0.0.1', noDelay: true });
    c.on('data', (d: Buffer) => c.onBody?.(d));
    c.on('error', () => undefined);
    return c;
  };
  createServer({ noDelay: true }, (sock) => {
    let buf: Buffer | null = null;
    sock.on('error', () => undefined);
    sock.on('data', (d: Buffer) => {
      buf = buf ? Buffer.concat([buf, d]) : d;
      const i = buf.indexOf(CRLF2);
      if (i < 0) return;
      const lines = buf.toString('latin1', 0, i).split('\r\n');
      buf = null;
      let out = `${lines[0]}\r\n`;
      let xff = '';
      for (let k = 1; k < lines.length; k++) {
        const l = lines[k] as string;
        const c = l.indexOf(':');
        const name = l.slice(0, c).toLowerCase();
        if (HOP.has(name)) continue;
        if (name === 'x-forwarded-for') xff = l.slice(c + 1).trim();
        else out += `${l}\r\n`;
      }
      const ip = sock.remoteAddress ?? '';
      out += `X-Forwarded-For: ${xff ? `${xff}, ${ip}` : ip}\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: ${port}\r\nX-Request-Id: ${randomUUID()}\r\nX-Request-Start: ${Date.now()}\r\n\r\n`;
      const pick = rr;
      rr = (rr + 1) % pools.length;
      const up = take(pick);
      let head: Buffer | null = null;
      let remaining = -1;
      up.onBody = (chunk) => {
        if (remaining < 0) {
          head = head ? Buffer.concat([head, chunk]) : chunk;
          const j = head.indexOf(CRLF2);
          if (j < 0) return;
          const rl = head.toString('latin1', 0, j).split('\r\n');
          let o = `${rl[0]}\r\n`;
          let cl = 0;
          for (let k = 1; k < rl.length; k++) {
            const l = rl[k] as string;
            const c = l.indexOf(':');
            const name = l.slice(0, c).toLowerCase();
            if (HOP.has(name)) continue;
            if (name === 'content-length') cl = Number(l.slice(c + 1));
            o += `${l}\r\n`;
          }
          const body = head.subarray(j + 4);
          remaining = cl - body.length;
          if (body.length < 2048) sock.write(o + '\r\n' + body.toString('latin1'), 'latin1');
          else {
            sock.cork();
            sock.write(`${o}\r\n`, 'latin1');
            sock.write(body);
            sock.uncork();
          }
        } else {
          remaining -= chunk.length;
          sock.write(chunk);
        }
        if (remaining === 0) {
          up.onBody = null;
          (pools[pick] as { idle: Upstream[] }).idle.push(up);
        }
      };
      up.write(out, 'latin1');
    });
  }).listen(port, '127.0.0.1', () => process.send?.('up'));
}

if (cluster.isPrimary) {
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  let up = 0;
  const n = availableParallelism();
  for (let i = 0; i < n; i++) {
    cluster.fork().on('message', () => {
      if (++up === n) process.stdout.write(`ready ${port}\n`);
    });
  }
  process.on('SIGTERM', () => {
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  worker();
}
