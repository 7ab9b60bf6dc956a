/** Runs wrk (argv array, bounded) and parses its --latency report. */
import { execFile } from 'node:child_process';

export interface WrkResult {
  rps: number;
  requests: number;
  /** Latency percentiles, ms. */
  p50: number;
  p75: number;
  p90: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function toMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s|m)$/.exec(v);
  if (!m) return NaN;
  const n = Number(m[1]);
  return m[2] === 'us' ? n / 1000 : m[2] === 'ms' ? n : m[2] === 's' ? n * 1000 : n * 60_000;
}

export function parseWrk(out: string): WrkResult {
  const pct = (p: number) => toMs(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(out)?.[1] ?? '');
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  return {
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN),
    requests: Number(/(\d+) requests in/.exec(out)?.[1] ?? NaN),
    p50: pct(50), p75: pct(75), p90: pct(90), p99: pct(99),
    errors: errs ? errs.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
    non2xx: Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0),
  };
}

export function runWrk(port: number, host: string, path: string, connections: number, seconds: number): Promise<WrkResult> {
  const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '--timeout', '5s', '-H', `Host: ${host}`, `http://127.0.0.1:${port}${path}`];
  return new Promise((resolve, reject) => {
    execFile('wrk', args, { timeout: (seconds + 20) * 1000, encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`wrk ${args.join(' ')} failed: ${err.message} ${stderr}`));
      const r = parseWrk(stdout);
      if (!Number.isFinite(r.rps)) return reject(new Error(`wrk output not understood:\n${stdout}`));
      resolve(r);
    });
  });
}
