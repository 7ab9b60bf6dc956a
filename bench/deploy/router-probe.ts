/**
 * Polls the router (Host `<app>.<domain>`) until an answer is a 200 whose body contains `marker`:
 * the moment the new release serves. One fresh connection per probe (as a first visitor would
 * arrive), a short timeout per probe, a slow cadence until `fast()` says the release is close.
 */
import { request } from 'node:http';

export interface ProbeResult {
  /** ms since t0 when the matching 200 arrived; undefined if it never did before the deadline. */
  firstMs: number | undefined;
  probes: number;
  /** Count of answers by status (0 = connection error or timeout), before the match. */
  statuses: Record<string, number>;
  lastBody: string;
}

function get(port: number, host: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { host }, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => void (body.length < 4096 && (body += c)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', () => resolve({ status: 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve({ status: 0, body: '' }));
    req.end();
  });
}

export async function waitForRelease(options: {
  routerPort: number;
  host: string;
  marker: string;
  t0: number;
  deadlineMs: number;
  /** True once the push printed `Released vN`: probe every `fastEveryMs` from then on. */
  fast: () => boolean;
  /** True once the push has ended in failure: stop probing. */
  abandoned: () => boolean;
  slowEveryMs?: number;
  fastEveryMs?: number;
  probeTimeoutMs?: number;
}): Promise<ProbeResult> {
  const statuses: Record<string, number> = {};
  let probes = 0;
  let lastBody = '';
  while (performance.now() - options.t0 < options.deadlineMs && !options.abandoned()) {
    const reply = await get(options.routerPort, options.host, options.probeTimeoutMs ?? 1000);
    probes++;
    if (reply.status === 200 && reply.body.includes(options.marker)) return { firstMs: performance.now() - options.t0, probes, statuses, lastBody: reply.body };
    statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
    lastBody = reply.body;
    await new Promise((r) => setTimeout(r, options.fast() ? (options.fastEveryMs ?? 5) : (options.slowEveryMs ?? 100)));
  }
  return { firstMs: undefined, probes, statuses, lastBody };
}
