/**
 * Is something inside a dyno listening on $PORT where the router can reach it?
 *
 * Bridge dynos: a TCP connect to the dyno's address, exactly what the router will do (refused at
 * once while nothing listens; the netns was set up long before, so no ARP stall, machine notes §5).
 * Loopback-only dynos: /proc/<pid>/net/tcp{,6} of a process inside. Those files are slow here
 * (~5 ms each: the kernel walks the global TCP hash table), so they are read asynchronously and
 * rarely. A listener bound only to loopback does not count (Heroku needs 0.0.0.0).
 */
import { readFile } from 'node:fs/promises';
import { connect } from 'node:net';

const LISTEN = '0A';

function isLoopback(hexAddress: string): boolean {
  if (hexAddress.length === 8) return hexAddress.endsWith('7F'); // 127.x.x.x, little-endian
  if (hexAddress === '00000000000000000000000001000000') return true; // ::1
  // ::ffff:127.x.x.x
  return hexAddress.startsWith('0000000000000000FFFF0000') && hexAddress.endsWith('7F');
}

/** Parse /proc/net/tcp or tcp6 text: is there a non-loopback LISTEN socket on `port`? */
export function hasReachableListener(procNetTcp: string, port: number): boolean {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  for (const line of procNetTcp.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    if (!local || fields[3] !== LISTEN) continue;
    const [address, p] = local.split(':');
    if (p === portHex && address !== undefined && !isLoopback(address)) return true;
  }
  return false;
}

export async function listensOn(pid: number, port: number): Promise<boolean> {
  for (const file of ['tcp6', 'tcp']) {
    const text = await readFile(`/proc/${pid}/net/${file}`, 'utf8').catch(() => '');
    if (hasReachableListener(text, port)) return true;
  }
  return false;
}

/** One connect attempt: true if accepted within timeoutMs (the connection is closed at once). */
export function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
