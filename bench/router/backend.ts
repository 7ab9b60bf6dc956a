/**
 * A hello-world "dyno" for the router benchmark: plain node:http, outside any sandbox.
 * GET / → 13 bytes; GET /100k → 102 400 bytes; both with Content-Length. argv[2] = port.
 */
import { createServer } from 'node:http';

const small = Buffer.from('Hello, world\n');
const big = Buffer.alloc(100 * 1024, 'x');
const server = createServer((req, res) => {
  const body = req.url === '/100k' ? big : small;
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 600_000;
server.listen(Number(process.argv[2]), '127.0.0.1', () => process.stdout.write('ready\n'));
