// A live log tail over a log session's event stream (SSE read with fetch): every line carries
// its sequence number, so a dropped connection resumes after the last line seen (Last-Event-ID,
// on a new session when the old one expired) and a line is never shown twice.
import { api, sameOrigin } from '../api/client.js';
import { parseLogLine, type LogEntry } from './log-line.js';

export type TailState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

export interface TailHandlers {
  lines(entries: LogEntry[]): void;
  state(state: TailState, detail?: string): void;
}

export class LogTail {
  private lastSeq = -1;
  private sessionPath: string | undefined;
  private controller: AbortController | undefined;
  private stopped = false;

  constructor(
    private readonly app: string,
    private readonly handlers: TailHandlers,
    private readonly backlogLines = 200,
  ) {}

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.controller?.abort();
    this.handlers.state('stopped');
  }

  private async run(): Promise<void> {
    let delay = 250;
    let first = true;
    while (!this.stopped) {
      this.handlers.state(first ? 'connecting' : 'reconnecting');
      first = false;
      try {
        if (await this.readOnce()) delay = 250;
      } catch (error) {
        if (this.stopped) return;
        this.handlers.state('reconnecting', (error as Error).message);
      }
      if (this.stopped) return;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
  }

  /** One connection: true when it delivered the stream (then ended), false when it never opened. */
  private async readOnce(): Promise<boolean> {
    if (!this.sessionPath) {
      const resuming = this.lastSeq >= 0;
      const session = await api.request<{ logplex_url: string }>('POST', `/apps/${encodeURIComponent(this.app)}/log-sessions`, { body: { tail: true, lines: resuming ? 0 : this.backlogLines } });
      this.sessionPath = sameOrigin(session.logplex_url);
    }
    this.controller = new AbortController();
    const headers: Record<string, string> = { Accept: 'text/event-stream' };
    if (this.lastSeq >= 0) headers['Last-Event-ID'] = String(this.lastSeq);
    const response = await fetch(this.sessionPath, { headers, signal: this.controller.signal, cache: 'no-store' });
    if (response.status === 404) {
      this.sessionPath = undefined;
      return false;
    }
    if (!response.ok || !response.body) throw new Error(`The log stream answered HTTP ${response.status}.`);
    this.handlers.state('live');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += value;
      const events = buffer.split('\n\n');
      buffer = events.pop() ?? '';
      const entries: LogEntry[] = [];
      for (const event of events) {
        const entry = this.parseEvent(event);
        if (entry) entries.push(entry);
      }
      if (entries.length > 0) this.handlers.lines(entries);
    }
    return true;
  }

  private parseEvent(event: string): LogEntry | undefined {
    let id: number | undefined;
    const data: string[] = [];
    for (const line of event.split('\n')) {
      if (line.startsWith('id:')) id = Number(line.slice(3).trim());
      else if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    if (data.length === 0) return undefined;
    if (id !== undefined && Number.isFinite(id)) {
      if (id <= this.lastSeq) return undefined;
      this.lastSeq = id;
    }
    return parseLogLine(id ?? this.lastSeq, data.join('\n'));
  }
}
