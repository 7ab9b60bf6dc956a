// The API-side proxy of log sessions: `logplex_url`s on the API's ports, streamed from the agent's log socket.
import { request } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';

const PREFIX = '/log-sessions/';

/**
 * Serves `logplex_url`s on the API's ports by passing them to the host agent's log session
 * server (a unix socket): the tail streams from the agent, the URL stays on the API host.
 * Returns false for any other path.
 */
export function logSessionProxy(socketPath: string) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (!req.url?.startsWith(PREFIX)) return false;
    const upstream = request({ socketPath, path: req.url, method: req.method, headers: req.headers }, (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(503, { 'content-type': 'text/plain' });
        res.end('The log service is restarting; try again in a moment.\n');
      } else res.destroy();
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
    return true;
  };
}
