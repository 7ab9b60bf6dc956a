import type { Colours } from './colour.js';

/** The official CLI's log line pattern: `… source[process]:` header, then the message. */
export const LOG_LINE = /^(.*?\[([\w-]+)([\d.]+)?]:)(.*)?$/;

type Paint = (text: string) => string;

/** Process names that always get the same colour, as in the official CLI. */
const FIXED = ['run', 'router', 'web', 'postgres', 'heroku-postgres'];

function palette(c: Colours): Paint[] {
  return [c.yellow, c.green, c.cyan, c.magenta, c.blue, c.red];
}

/** A stable colour per process name (`web.1` and `web.2` share `web`'s). */
export function colourFor(identifier: string, c: Colours): Paint {
  const colours = palette(c);
  const fixed = FIXED.indexOf(identifier);
  if (fixed >= 0) return colours[fixed % colours.length] as Paint;
  let hash = 0;
  for (const ch of identifier) hash = (hash * 31 + (ch.codePointAt(0) as number)) >>> 0;
  return colours[hash % colours.length] as Paint;
}

/**
 * One log line for a terminal: the `… app[web.1]:` header in its process's colour, router
 * statuses and dyno state changes highlighted. Lines that do not match come back unchanged.
 */
export function colouriseLogLine(line: string, c: Colours): string {
  const parsed = LOG_LINE.exec(line);
  if (!parsed) return line;
  const header = parsed[1] as string;
  const identifier = parsed[2] as string;
  const body = (parsed[4] ?? '').trim();
  return `${colourFor(identifier, c)(header)} ${colouriseBody(identifier, body, c)}`;
}

function colouriseBody(identifier: string, body: string, c: Colours): string {
  if (identifier === 'router') {
    return body.replace(/\b(status=)(\d{3})\b/, (_, key: string, code: string) => `${key}${statusColour(Number(code), c)(code)}`).replace(/\b(at=)(error)\b/, (_, key: string, v: string) => `${key}${c.red(v)}`);
  }
  const state = /^(State changed from )(\w+)( to )(\w+)$/.exec(body);
  if (state) return `${state[1]}${stateColour(state[2] as string, c)}${state[3]}${stateColour(state[4] as string, c)}`;
  const exited = /^(Process exited with status )(\d+)$/.exec(body);
  if (exited) return `${exited[1]}${exited[2] === '0' ? c.green(exited[2]) : c.red(exited[2] as string)}`;
  if (/^Stopping all processes with SIGTERM$/.test(body) || /^Error R\d+/.test(body) || /^Build failed/.test(body)) return c.red(body);
  if (/^Build succeeded$/.test(body)) return c.green(body);
  return body;
}

function statusColour(code: number, c: Colours): Paint {
  if (code >= 500) return c.red;
  if (code >= 400) return c.yellow;
  if (code >= 300) return c.cyan;
  if (code >= 200) return c.green;
  return (s) => s;
}

function stateColour(state: string, c: Colours): string {
  if (state === 'up' || state === 'complete') return c.green(state);
  if (state === 'crashed' || state === 'down') return c.red(state);
  if (state === 'starting') return c.cyan(state);
  return state;
}
