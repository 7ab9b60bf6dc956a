import net from 'node:net';
import tls from 'node:tls';

import { type LogLine, syslogDrainFrame } from '../core/log-line.js';
import { backoffDelay, type Drain, type DrainInfo, type DrainStats, type DrainWorkerContext, isCertificateError } from './drain.js';
import type { OutboxBatch } from './drain-outbox.js';
import { type DrainTarget, redactDrainUrl } from './drain-url.js';

type SyslogTarget = Extract<DrainTarget, { kind: 'syslog' }>;

/**
 * A syslog drain over TCP or TLS (certificate verified): one connection, RFC 6587 octet-counted
 * RFC 5424 frames with the drain token as HOSTNAME. One write in flight at a time: a batch counts
 * as delivered once the kernel has taken it. If the connection breaks before that, the batch goes
 * back to the front of the buffer and is sent again after reconnecting (the receiver may see part
 * of it twice); what the kernel had already taken when a connection dies is beyond any TCP
 * sender's knowledge (plain syslog has no acknowledgements).
 */
export class SyslogDrain implements Drain {
  private socket: net.Socket | undefined;
  private connected = false;
  private inFlight: OutboxBatch | undefined;
  private writeTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private failures = 0;
  private lastError: string | undefined;
  private readonly shownUrl: string;
  private readonly frame: (line: LogLine) => string;

  constructor(
    private readonly ctx: DrainWorkerContext,
    private readonly target: SyslogTarget,
  ) {
    this.shownUrl = redactDrainUrl(ctx.info.url);
    this.frame = (line) => syslogDrainFrame(line, ctx.info.token);
  }

  get info(): DrainInfo {
    return this.ctx.info;
  }

  offer(line: LogLine): void {
    this.ctx.outbox.push(line);
    if (this.connected) this.pump();
    else if (!this.socket && !this.reconnectTimer) this.connect();
  }

  stats(): DrainStats {
    return { ...this.ctx.outbox.stats(), failures: this.failures, lastError: this.lastError };
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.writeTimer);
    this.socket?.destroy();
  }

  private connect(): void {
    if (this.closed) return;
    const { host, port } = this.target;
    const { timeoutMs, ca } = this.ctx.tuning;
    try {
      this.ctx.egress.assertHost(host);
    } catch (refused) {
      // Timer first: the in-band report is a log line, which offer() hands straight back here.
      this.retryLater(backoffDelay(this.failures + 1, this.ctx.tuning));
      this.failed(refused as Error);
      return;
    }
    const lookup = this.ctx.egress.lookup;
    const socket = this.target.tls
      ? tls.connect({
          host,
          port,
          lookup,
          servername: net.isIP(host) ? undefined : host,
          ca: ca.length > 0 ? [...tls.rootCertificates, ...ca] : undefined,
          minVersion: 'TLSv1.2',
        })
      : net.connect({ host, port, lookup });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 60_000);
    socket.setTimeout(timeoutMs, () => {
      if (!this.connected) socket.destroy(new Error(`could not connect within ${timeoutMs} ms`));
    });
    socket.once(this.target.tls ? 'secureConnect' : 'connect', () => {
      socket.setTimeout(0);
      this.connected = true;
      this.pump();
    });
    socket.on('data', () => {}); // receivers may talk back; we don't listen
    socket.on('error', (error) => this.failed(error));
    socket.once('close', () => this.disconnected(socket));
  }

  private pump(): void {
    if (!this.connected || this.inFlight || !this.socket) return;
    const { batchMaxLines, batchMaxBytes, timeoutMs } = this.ctx.tuning;
    const batch = this.ctx.outbox.take(batchMaxLines, batchMaxBytes, this.frame);
    if (!batch) return;
    this.inFlight = batch;
    const socket = this.socket;
    this.writeTimer = setTimeout(() => socket.destroy(new Error(`the receiver took nothing for ${timeoutMs} ms`)), timeoutMs);
    socket.write(batch.frames.join(''), (error) => {
      if (this.inFlight !== batch || error) return; // the close handler requeues it
      clearTimeout(this.writeTimer);
      this.inFlight = undefined;
      this.failures = 0;
      this.ctx.outbox.markDelivered(batch);
      this.pump();
    });
  }

  private failed(error: Error): void {
    this.failures++;
    this.lastError = error.message;
    this.ctx.reporter.report(
      isCertificateError(error)
        ? `Error L14 (certificate validation): error="${error.message}" uri="${this.shownUrl}"`
        : `Could not deliver to drain ${this.info.token} (${this.shownUrl}): ${error.message}. Retrying with backoff; lines beyond the drain's buffer are dropped and counted (L10).`,
    );
  }

  private disconnected(socket: net.Socket): void {
    if (this.socket !== socket) return;
    clearTimeout(this.writeTimer);
    this.socket = undefined;
    const wasConnected = this.connected;
    this.connected = false;
    if (this.inFlight) {
      this.ctx.outbox.requeue(this.inFlight);
      this.inFlight = undefined;
    }
    if (this.closed) return;
    // Reconnect when there is something to send (otherwise the next line will); right away after
    // a clean close by the receiver, with backoff after a failure.
    if (this.ctx.outbox.queued === 0) return;
    this.retryLater(wasConnected && this.failures === 0 ? 0 : backoffDelay(this.failures, this.ctx.tuning));
  }

  private retryLater(delay: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect();
    }, delay).unref();
  }
}
