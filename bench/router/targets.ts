/** The three things wrk is pointed at: a dyno directly, nginx, Berth's router. */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Target {
  name: string;
  port: number;
  /** Root of the process tree whose CPU is the proxy's (0: none). */
  pid: number;
  stop(): Promise<void>;
}

const here = fileURLToPath(new URL('.', import.meta.url));

export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Spawns a process and waits (bounded) for a stdout line matching `ready`. */
export function spawnReady(cmd: string, args: string[], ready: RegExp, env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'], env });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${cmd} ${args.join(' ')} not ready within 15 s: ${out}`));
    }, 15_000);
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = ready.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${cmd} exited ${code} before it was ready: ${out}`));
    });
  });
}

export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const kill = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill(signal);
  });
}

const nodeEnv = () => {
  const env = { ...process.env };
  delete env.NODE_EXTRA_CA_CERTS;
  return env;
};

export async function startDyno(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const { child } = await spawnReady(process.execPath, [join(here, 'backend.js'), String(port)], /ready/, nodeEnv());
  return { port, child };
}

export function nginxConf(dir: string, port: number, dynos: number[], hosts: string[]): string {
  return `worker_processes auto;
error_log ${dir}/error.log;
pid ${dir}/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  client_body_temp_path ${dir}/client; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  server_names_hash_max_size 4096;
  upstream dynos {
${dynos.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
    keepalive 1024;
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port} default_server;
    return 404;
  }
  server {
    listen 127.0.0.1:${port};
    server_name ${hosts.join(' ')};
    location / {
      proxy_pass http://dynos;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header X-Forwarded-Port $server_port;
      proxy_set_header X-Request-Id $request_id;
      proxy_set_header X-Request-Start $msec;
    }
  }
}
`;
}

export async function startNginx(dir: string, dynos: number[], hosts: string[]): Promise<Target> {
  const port = await freePort();
  await writeFile(join(dir, 'nginx.conf'), nginxConf(dir, port, dynos, hosts));
  const child = spawn('nginx', ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: 'ignore' });
  await waitForPort(port);
  return { name: 'nginx', port, pid: child.pid as number, stop: () => stopChild(child, 'SIGQUIT') };
}

/** Berth's router (one worker per core); `logInfo` false skips at=info lines (diagnostic only). */
export async function startBerth(dynos: number[], logInfo = true): Promise<Target> {
  const port = await freePort();
  const args = [join(here, 'berth-router.js'), String(port), ...dynos.map(String), '0', logInfo ? 'log' : 'nolog'];
  const { child } = await spawnReady(process.execPath, args, /ready (\d+)/, nodeEnv());
  return { name: logInfo ? 'berth' : 'berth-nolog', port, pid: child.pid as number, stop: () => stopChild(child) };
}

/** The minimal Node proxy (floor-proxy.ts): what Node's sockets cost without Berth's features. */
export async function startFloor(dynos: number[]): Promise<Target> {
  const port = await freePort();
  const { child } = await spawnReady(process.execPath, [join(here, 'floor-proxy.js'), String(port), ...dynos.map(String)], /ready (\d+)/, nodeEnv());
  return { name: 'node-floor', port, pid: child.pid as number, stop: () => stopChild(child) };
}

async function waitForPort(port: number): Promise<void> {
  const { connect } = await import('node:net');
  for (let i = 0; i < 150; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listens on ${port} after 15 s`);
}
