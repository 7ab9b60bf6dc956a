// LogForwarder (control-plane side of the agent): platform log lines, batched into `log.append` calls.
import type { AgentConnection } from './agent-connection.js';
import type { ForwardedLogLine } from './agent-contract.js';

type Line = ForwardedLogLine;

/**
 * Sends the control plane's log lines (`app[api]`, `app[release.N]`, build notes) to the app's
 * channel in the host agent, batched per tick. Bounded: while the agent is unreachable, at most
 * `limit` lines wait and the rest are counted and reported once it answers again.
 */
export class LogForwarder {
  private queue = new Map<string, Line[]>();
  private queued = 0;
  private dropped = 0;
  private scheduled = false;

  constructor(private readonly agent: Pick<AgentConnection, 'connected' | 'appendLogs'>, private readonly limit = 10_000) {}

  emit(appId: string, line: Line): void {
    if (this.queued >= this.limit) {
      this.dropped += 1;
      return;
    }
    const lines = this.queue.get(appId) ?? [];
    lines.push(line);
    this.queue.set(appId, lines);
    this.queued += 1;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => void this.flush());
    }
  }

  async flush(): Promise<void> {
    this.scheduled = false;
    const { agent } = this;
    if (!agent.connected) return;
    const batch = this.queue;
    this.queue = new Map();
    this.queued = 0;
    await Promise.all(
      [...batch].map(([appId, lines]) =>
        agent.appendLogs(appId, lines).catch(() => {
          this.dropped += lines.length;
        }),
      ),
    );
    if (this.dropped > 0) process.stderr.write(`log forwarder: ${this.dropped} control-plane log lines could not reach the host agent\n`);
    this.dropped = 0;
  }
}
