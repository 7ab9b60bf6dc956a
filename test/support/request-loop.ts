import { Agent, request as httpRequest } from 'node:http';
import type { BerthProcess } from './berth-process.js';
import { waitFor } from './wait.js';

export interface LoopResult {
  requests: number;
  /** Every answer that was not a 200, and every request that failed, with what happened. */
  failures: string[];
  /** Bodies seen, in order of first appearance, with counts. */
  bodies: Map<string, number>;
}

export interface RequestLoop {
  /** Resolves once every client stopped; `stop()` ends the loop after the requests in flight. */
  stop(): Promise<LoopResult>;
  /** Requests answered so far. */
  count(): number;
  /** Resolves when some body matched `pattern` (or after `timeoutMs`, false). */
  seen(pattern: RegExp, timeoutMs: number): Promise<boolean>;
}

/**
 * `clients` concurrent clients sending requests (GET, or `method`, without a body) through the
 * router to one app, back to back, until stopped or `maxMs` passed (the loop is bounded either
 * way). Half keep their connection alive, half open a new one per request, so both router paths
 * are exercised. A POST is never replayed by the router, so it shows every request a dyno lost.
 */
export function startRequestLoop(berth: BerthProcess, app: string, options: { clients?: number; maxMs?: number; path?: string; method?: string } = {}): RequestLoop {
  const result: LoopResult = { requests: 0, failures: [], bodies: new Map() };
  const deadline = Date.now() + (options.maxMs ?? 60_000);
  let stopping = false;
  const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });
  const once = (agent: Agent | false) =>
    new Promise<void>((resolve) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: berth.runtime.router_port, path: options.path ?? '/', method: options.method ?? 'GET', agent, headers: { host: `${app}.${berth.runtime.domain}` }, timeout: 10_000 },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            result.requests++;
            result.bodies.set(body, (result.bodies.get(body) ?? 0) + 1);
            if (res.statusCode !== 200) result.failures.push(`status ${res.statusCode}: ${body.slice(0, 200)}`);
            resolve();
          });
          res.on('error', (err) => {
            result.requests++;
            result.failures.push(`response error: ${err.message}`);
            resolve();
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('timed out after 10 s')));
      req.on('error', (err) => {
        result.requests++;
        result.failures.push(`request error: ${err.message}`);
        resolve();
      });
      req.end();
    });
  const clients = Array.from({ length: options.clients ?? 4 }, async (_, i) => {
    while (!stopping && Date.now() < deadline) await once(i % 2 === 0 ? keepAlive : false);
  });
  const all = Promise.all(clients).then(() => {
    keepAlive.destroy();
    return result;
  });
  return {
    stop() {
      stopping = true;
      return all;
    },
    count: () => result.requests,
    seen(pattern, timeoutMs) {
      return waitFor(`a response body matching ${pattern}`, () => [...result.bodies.keys()].some((b) => pattern.test(b)), timeoutMs).catch(() => false);
    },
  };
}
