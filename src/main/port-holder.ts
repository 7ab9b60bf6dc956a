// Who holds a TCP port: /proc/net/tcp{,6} for the listening socket's inode, /proc/*/fd for its process.
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer } from 'node:net';

export interface PortHolder {
  pid: number;
  /** The process's command name (`nginx`), from /proc/PID/comm. */
  name: string;
}

/** Root, or CAP_NET_BIND_SERVICE (bit 10) in this process's effective capabilities. */
export async function canBindLowPorts(): Promise<boolean> {
  if (process.getuid?.() === 0) return true;
  const status = await readFile('/proc/self/status', 'utf8').catch(() => '');
  const effective = /^CapEff:\s*([0-9a-f]+)/m.exec(status)?.[1];
  return effective !== undefined && (BigInt(`0x${effective}`) & (1n << 10n)) !== 0n;
}

/** The inodes of sockets listening on `port` (any address), from /proc/net/tcp and tcp6. */
async function listeningInodes(port: number): Promise<Set<string>> {
  const inodes = new Set<string>();
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = await readFile(file, 'utf8').catch(() => '');
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // sl local_address rem_address st ... inode (field 9); st 0A is LISTEN.
      const local = fields[1];
      if (!local || fields[3] !== '0A') continue;
      if (Number.parseInt(local.slice(local.lastIndexOf(':') + 1), 16) === port && fields[9] && fields[9] !== '0') inodes.add(fields[9]);
    }
  }
  return inodes;
}

/**
 * The processes listening on `port`: each /proc/PID/fd link that is `socket:[INODE]` of a
 * listening socket. Without root only this user's processes can be read, so the list may be empty.
 */
export async function findPortHolders(port: number): Promise<PortHolder[]> {
  const inodes = await listeningInodes(port);
  if (inodes.size === 0) return [];
  const holders: PortHolder[] = [];
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue;
    const fds = await readdir(`/proc/${entry}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      const link = await readlink(`/proc/${entry}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
      if (inode === undefined || !inodes.has(inode)) continue;
      const name = (await readFile(`/proc/${entry}/comm`, 'utf8').catch(() => '?')).trim();
      holders.push({ pid: Number(entry), name });
      break;
    }
  }
  return holders;
}

/**
 * Fails with a message naming the process that holds the port when `port` cannot be listened on
 * at `bind` (port 0 always can). Run before the host agent starts its router there.
 */
export async function checkPortFree(port: number, bind: string, flag: string): Promise<void> {
  if (port === 0) return;
  const error = await new Promise<NodeJS.ErrnoException | undefined>((resolve) => {
    const server = createServer();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err));
    server.listen({ port, host: bind, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
  if (!error) return;
  if (error.code === 'EACCES') {
    throw new Error(`Cannot listen on port ${port}: ports below 1024 need root or the CAP_NET_BIND_SERVICE capability (sudo setcap cap_net_bind_service=+ep "$(command -v node)"), or choose another port with ${flag}.`);
  }
  if (error.code !== 'EADDRINUSE') throw new Error(`Cannot listen on ${bind}:${port} (${flag}): ${error.message}`);
  const holders = await findPortHolders(port);
  const who = holders.length > 0 ? holders.map((h) => `${h.name} (pid ${h.pid})`).join(', ') : 'another process (run as root to see which)';
  throw new Error(`Port ${port} is already in use by ${who}: stop it, or choose another port with ${flag}.`);
}
