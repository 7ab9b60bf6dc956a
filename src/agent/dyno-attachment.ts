/**
 * The control plane's side of an attached one-off dyno (the release phase uses it): TLS to the
 * agent's rendezvous (rendezvous.ts), `SECRET\r\n`, the greeting chunk dropped, EOT to close the
 * dyno's stdin, then the dyno's output until the exit-status marker attach-terminal.ts writes.
 * The agent stops the dyno when this connection closes, so a control plane that dies mid-way
 * leaves nothing running.
 */
import { connect, type TLSSocket } from 'node:tls';
import { EXIT_STATUS_MARKER } from './attach-terminal.js';

export interface AttachTarget {
  /** Where the agent's rendezvous listens, as seen from the control plane (same host). */
  host: string;
  /** The name its certificate carries (the Berth domain). */
  servername: string;
  /** Berth's local CA. */
  ca: string | Buffer;
}

export interface DynoAttachment {
  /** The command's exit status, or undefined when the connection ended without one. */
  exitCode: number | undefined;
}

const MARKER = Buffer.from(EXIT_STATUS_MARKER);
const MARKER_START = MARKER.subarray(0, 3); // U+FFFF in UTF-8
const EOT = '\u0004';

/** How many trailing bytes of `data` begin the marker's first character. */
function heldBack(data: Buffer): number {
  for (let n = Math.min(MARKER_START.length - 1, data.length); n > 0; n--) {
    if (data.subarray(data.length - n).equals(MARKER_START.subarray(0, n))) return n;
  }
  return 0;
}

/** Attaches to the dyno behind `attachUrl` (`rendezvous://host:port/SECRET`); its output goes to
 *  `onOutput` as it comes. Rejects only when the rendezvous cannot be reached. */
export function attachDyno(attachUrl: string, target: AttachTarget, onOutput: (chunk: Buffer) => void, idleTimeoutMs = 3_600_000): Promise<DynoAttachment> {
  const url = new URL(attachUrl);
  const port = Number(url.port);
  const secret = `${url.pathname.slice(1)}${url.search}`;
  if (url.protocol !== 'rendezvous:' || !Number.isInteger(port) || port < 1 || !secret) return Promise.reject(new Error(`Not a rendezvous URL: ${attachUrl}`));
  return new Promise((resolve, reject) => {
    const socket: TLSSocket = connect({ host: target.host, port, servername: target.servername, ca: target.ca, rejectUnauthorized: true });
    let attached = false;
    let settled = false;
    let pending = Buffer.alloc(0);
    let markerSeen = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error && !attached) return reject(error);
      const text = pending.toString('utf8');
      const at = markerSeen ? text.lastIndexOf(EXIT_STATUS_MARKER) : -1;
      const code = at >= 0 ? /^(\d+)/.exec(text.slice(at + EXIT_STATUS_MARKER.length)) : null;
      const rest = at >= 0 ? Buffer.from(text.slice(0, at)) : pending;
      if (rest.length > 0) onOutput(rest);
      resolve({ exitCode: code ? Number(code[1]) : undefined });
    };
    socket.setTimeout(idleTimeoutMs, () => finish(new Error('the dyno connection was idle for too long')));
    socket.once('secureConnect', () => socket.write(`${secret}\r\n`));
    socket.on('data', (chunk: Buffer) => {
      if (!attached) {
        attached = true; // the greeting
        socket.write(EOT);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      if (markerSeen) return;
      const at = pending.indexOf(MARKER_START);
      if (at >= 0) {
        markerSeen = true;
        if (at > 0) onOutput(pending.subarray(0, at));
        pending = pending.subarray(at);
        return;
      }
      // Hold back only a tail that could be the start of the marker (a split U+FFFF).
      const keep = heldBack(pending);
      if (pending.length > keep) onOutput(pending.subarray(0, pending.length - keep));
      pending = pending.subarray(pending.length - keep);
    });
    socket.once('close', () => finish());
    socket.on('error', (err) => finish(err));
  });
}
