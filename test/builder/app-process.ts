/** Runs a process type of an unpacked slug as a plain process on a free port, for HTTP checks. */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { waitFor } from '../support/wait.js';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface HttpAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(port: number, path: string, method = 'GET'): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Starts `command` with bash in `appDir` (as a dyno would, minus the sandbox) and waits for HTTP. */
export async function startWeb(appDir: string, command: string): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn('bash', ['-c', `for f in .profile.d/*.sh; do [ -f "$f" ] && . "$f"; done; exec ${command}`], {
    cwd: appDir,
    env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: appDir, PORT: String(port) },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    child.kill('SIGKILL');
    await exited;
  };
  try {
    await waitFor(`${command} to answer HTTP on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`it exited with ${child.exitCode}`);
      await get(port, '/');
      return true;
    });
  } catch (err) {
    await stop();
    throw err;
  }
  return { port, child, stop };
}
