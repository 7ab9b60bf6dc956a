import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

export interface FakeApi {
  url: string;
  requests: SeenRequest[];
  close(): Promise<void>;
}

export const KEY = 'test-api-key';
export const EMAIL = 'dev@example.com';
export const PASSWORD = 'correct horse';
export const NEXT_RANGE = 'name ]bravo..; max=2, order=asc';

const app = (name: string, port: number) => ({
  id: `id-${name}`,
  name,
  git_url: `http://127.0.0.1:${port}/${name}.git`,
  web_url: `http://${name}.localhost:8080/`,
  owner: { email: EMAIL, id: 'account-1' },
  region: { name: 'local' },
  stack: { name: 'heroku-24' },
  maintenance: false,
  created_at: '2026-01-02T03:04:05Z',
});

/**
 * A tiny stand-in for the Berth API on 127.0.0.1:0, answering the way src/api does: the app
 * list comes in two pages (206 + Next-Range, then 200), a wrong key gets 401.
 */
export async function startFakeApi(): Promise<FakeApi> {
  const requests: SeenRequest[] = [];
  const apps = new Map<string, ReturnType<typeof app>>();
  let port = 0;
  const server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const path = req.url ?? '/';
    requests.push({ method: req.method ?? '', path, headers: req.headers, body });
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(JSON.stringify(payload));
    };
    route(req, res, path, body, send);
  });
  const route = (req: IncomingMessage, _res: ServerResponse, path: string, body: string, send: (s: number, p: unknown, h?: Record<string, string>) => void) => {
    const auth = req.headers.authorization ?? '';
    const basic = `Basic ${Buffer.from(`${EMAIL}:${PASSWORD}`).toString('base64')}`;
    if (req.method === 'POST' && path === '/oauth/authorizations') {
      if (auth !== basic) return send(401, { id: 'unauthorized', message: 'Invalid credentials provided.' });
      return send(201, { id: 'auth-1', access_token: { token: 'fresh-token' }, user: { email: EMAIL } });
    }
    if (auth !== `Bearer ${KEY}` && auth !== 'Bearer fresh-token') {
      return send(401, { id: 'unauthorized', message: 'Invalid credentials provided: the API key is unknown, expired or revoked.' });
    }
    const appMatch = /^\/apps\/([^/]+)$/.exec(path);
    const existing = appMatch ? apps.get(decodeURIComponent(appMatch[1] as string)) : undefined;
    if (req.method === 'GET' && path === '/account') return send(200, { id: 'account-1', email: EMAIL, name: null });
    if (req.method === 'GET' && path === '/users/~/apps') {
      if (req.headers.range === NEXT_RANGE) return send(200, [app('charlie', port)]);
      return send(206, [app('alpha', port), app('bravo', port)], { 'Next-Range': NEXT_RANGE });
    }
    // Every app the account can see: here only its own (no collaborated apps).
    if (req.method === 'GET' && path === '/apps') return send(200, [app('alpha', port), app('bravo', port), app('charlie', port)]);
    if (req.method === 'POST' && path === '/apps') {
      const name = (JSON.parse(body) as { name?: string }).name ?? 'random-name-12345';
      if (apps.has(name)) return send(409, { id: 'conflict', message: `Name ${name} is already taken.` });
      apps.set(name, app(name, port));
      return send(201, apps.get(name));
    }
    if (appMatch && !existing) return send(404, { id: 'not_found', message: `Couldn't find that app: ${appMatch[1]}.` });
    if (existing && req.method === 'GET') return send(200, existing);
    if (existing && req.method === 'PATCH') {
      const renamed = app((JSON.parse(body) as { name: string }).name, port);
      apps.delete(existing.name);
      apps.set(renamed.name, renamed);
      return send(200, renamed);
    }
    if (existing && req.method === 'DELETE') {
      apps.delete(existing.name);
      return send(200, existing);
    }
    if (req.method === 'DELETE' && path === '/oauth/authorizations/auth-1') return send(200, { id: 'auth-1' });
    return send(404, { id: 'not_found', message: `No route for ${req.method} ${path}.` });
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
