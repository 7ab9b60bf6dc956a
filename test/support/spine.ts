// Talking to a running Berth from outside, as a user's tools would: the router, the log
// backlog, ps, app creation, each with a wait that says what it waited for.

import { request as httpRequest } from 'node:http';
import { api, type BerthProcess } from './berth-process.js';
import { waitFor } from './wait.js';

export interface RouterReply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A GET through the router at Host `<app>.<domain>`, as a browser would send it. */
export function routerGet(berth: BerthProcess, app: string, path = '/', timeoutMs = 10_000): Promise<RouterReply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: berth.runtime.router_port, path, agent: false, headers: { host: `${app}.${berth.runtime.domain}:${berth.runtime.router_port}` }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path} on ${app} timed out after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end();
  });
}

/** The app's log backlog as plain text: `POST /apps/:app/log-sessions`, then GET the logplex_url. */
export async function appLogs(berth: BerthProcess, app: string, lines = 1500): Promise<string> {
  const session = await api(berth, `/apps/${app}/log-sessions`, { method: 'POST', body: JSON.stringify({ lines, tail: false }) });
  if (session.status !== 201) throw new Error(`log-sessions answered ${session.status}: ${JSON.stringify(session.body)}`);
  const response = await fetch(session.body.logplex_url as string, { signal: AbortSignal.timeout(10_000) });
  return response.text();
}

/** Waits until the logs contain every pattern; returns the logs. */
export function waitForLogs(berth: BerthProcess, app: string, patterns: RegExp[], timeoutMs = 30_000): Promise<string> {
  let seen = '';
  return waitFor(
    `log lines ${patterns.map(String).join(', ')} of ${app}`,
    async () => {
      seen = await appLogs(berth, app);
      return patterns.every((p) => p.test(seen)) ? seen : undefined;
    },
    timeoutMs,
    250,
  ).catch((err: Error) => {
    throw new Error(`${err.message}\n--- logs ---\n${seen.split('\n').slice(-60).join('\n')}`);
  });
}

export interface DynoJson {
  id: string;
  name: string;
  type: string;
  state: string;
  /** Heroku's display name: `Eco`, `Standard-1X`. */
  size: string;
  command: string;
  release: { id: string; version: number };
  attach_url: string | null;
}

export async function dynos(berth: BerthProcess, app: string): Promise<DynoJson[]> {
  const reply = await api(berth, `/apps/${app}/dynos`);
  if (reply.status !== 200) throw new Error(`GET dynos answered ${reply.status}`);
  return reply.body as DynoJson[];
}

/** Waits until `check` holds for the app's dynos; returns them. */
export async function waitForDynos(berth: BerthProcess, app: string, what: string, check: (list: DynoJson[]) => boolean, timeoutMs = 30_000): Promise<DynoJson[]> {
  let last: DynoJson[] = [];
  try {
    return await waitFor(`${app}: ${what}`, async () => {
      last = await dynos(berth, app);
      return check(last) ? last : undefined;
    }, timeoutMs, 100);
  } catch (err) {
    throw new Error(`${(err as Error).message}; dynos: ${last.map((d) => `${d.name}:${d.state}:v${d.release.version}`).join(' ') || 'none'}`);
  }
}

/** Creates an app (201) as the admin, or as the owner of `key`, and returns its name. */
export async function createApp(berth: BerthProcess, name: string, key?: string): Promise<string> {
  const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name }), ...(key ? { key } : {}) });
  if (created.status !== 201) throw new Error(`creating ${name} answered ${created.status}: ${JSON.stringify(created.body)}`);
  return name;
}
