import { createServer, type Server } from 'node:http';

import type { LogSessions } from './log-sessions.js';

/**
 * A standalone HTTP server for session URLs (the host agent listens on it; the API hands out
 * `<base>/sessions/<id>`). Anything else is a 404. To stop: `sessions.close()` (ends the tails),
 * then `server.close()`.
 */
export function createLogSessionServer(sessions: LogSessions): Server {
  const server = createServer({ noDelay: true, keepAlive: true }, (req, res) => {
    if (sessions.handle(req, res)) return;
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Not a log session URL.\n');
  });
  // Tails are long-lived: no request timeout.
  server.requestTimeout = 0;
  return server;
}
