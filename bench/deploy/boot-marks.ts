/**
 * Splits the boot phase with the platform's own log lines (microsecond timestamps, read from the
 * app's log history after the push): when the agent started the new web dyno and when it
 * reported it up. Only lines stamped after the push began count, so a warm deploy's old dyno is
 * ignored. Marks are ms since the push began (wall clock → bench clock). The app's own
 * `listening on` line is not used: the agent stamps stdout when it reads it, often after it has
 * already seen the port bound.
 */
import { api, type BerthProcess } from '../../test/support/berth-process.js';

const PATTERNS: Array<[string, RegExp]> = [
  ['dyno_starting', /^heroku\[web\.\d+\]: Starting process with command/],
  ['dyno_up', /^heroku\[web\.\d+\]: State changed from starting to up/],
];

export async function bootMarks(berth: BerthProcess, app: string, t0Wall: number): Promise<Record<string, number>> {
  const session = await api(berth, `/apps/${app}/log-sessions`, { method: 'POST', body: JSON.stringify({ lines: 1500, tail: false }) });
  if (session.status !== 201) return {};
  const response = await fetch(session.body.logplex_url as string, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const marks: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\S+)\s(.*)$/.exec(line);
    if (!m) continue;
    const stamp = /^(.*T\d\d:\d\d:\d\d)\.(\d{6})(\+00:00|Z)$/.exec(m[1] as string);
    if (!stamp) continue;
    const wallMs = Date.parse(`${stamp[1]}Z`) + Number(stamp[2]) / 1000;
    if (wallMs < t0Wall) continue;
    for (const [name, pattern] of PATTERNS) {
      if (marks[name] === undefined && pattern.test(m[2] as string)) marks[name] = Math.round((wallMs - t0Wall) * 10) / 10;
    }
  }
  return marks;
}
