// One log line as logplex formats it (`2024-01-01T00:00:00.000000+00:00 app[web.1]: text`),
// split into its parts so the tail can filter and colour by source and dyno.

export interface LogEntry {
  seq: number;
  time: string;
  source: string;
  dyno: string;
  text: string;
}

const LINE = /^(\S+) ([a-z]+)\[([^\]]+)\]: ?(.*)$/s;

export function parseLogLine(seq: number, raw: string): LogEntry {
  const m = LINE.exec(raw);
  if (!m) return { seq, time: '', source: '', dyno: '', text: raw };
  return { seq, time: m[1] as string, source: m[2] as string, dyno: m[3] as string, text: m[4] as string };
}

/** The colour class of a line: router, platform (heroku[api] …), release phase, or the app. */
export function sourceClass(entry: LogEntry): string {
  if (entry.source === 'heroku' && entry.dyno === 'router') return 'src-router';
  if (entry.source === 'heroku') return 'src-platform';
  if (entry.dyno === 'release' || entry.dyno.startsWith('release.')) return 'src-release';
  return 'src-app';
}

export interface LogFilter {
  source: '' | 'app' | 'heroku';
  dyno: string;
  text: string;
}

export function matches(entry: LogEntry, filter: LogFilter): boolean {
  if (filter.source && entry.source !== filter.source) return false;
  if (filter.dyno && entry.dyno !== filter.dyno && !entry.dyno.startsWith(`${filter.dyno}.`)) return false;
  if (filter.text && !`${entry.source}[${entry.dyno}]: ${entry.text}`.toLowerCase().includes(filter.text.toLowerCase())) return false;
  return true;
}
