// A smart-HTTP git server for tests: one bare repository served by the real `git http-backend`
// (as a CGI) behind node:http on 127.0.0.1, counting connections like the other egress targets.
import { execFile, spawn } from 'node:child_process';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type CountingServer, startCountingServer } from './targets.js';

const run = promisify(execFile);
const env = { PATH: '/usr/bin:/bin', HOME: tmpdir(), GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

export interface GitHttpServer extends CountingServer {
  /** The repository's URL on `host` (e.g. `localhost`, to fetch it by name). */
  url(host: string): string;
}

/** Serves `source` (a directory, committed as one commit) as `/repo.git`. */
export async function startGitHttpServer(source: string): Promise<GitHttpServer> {
  const base = await mkdtemp(join(tmpdir(), 'berth-git-http-'));
  const work = join(base, 'work');
  await cp(source, work, { recursive: true });
  await run('git', ['-C', work, 'init', '--quiet', '--initial-branch', 'main'], { env });
  await run('git', ['-C', work, 'add', '--all'], { env });
  await run('git', ['-C', work, 'commit', '--quiet', '-m', 'buildpack'], { env });
  await run('git', ['clone', '--quiet', '--bare', work, join(base, 'repo.git')], { env });
  const server = await startCountingServer('127.0.0.1', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...env,
        GIT_PROJECT_ROOT: base,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: url.pathname,
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_ADDR: '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    req.pipe(cgi.stdin);
    let head = Buffer.alloc(0);
    let started = false;
    cgi.stdout.on('data', (chunk: Buffer) => {
      if (started) return void res.write(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      started = true;
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
        const [name, ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name?.toLowerCase() === 'status') status = Number(value.split(' ')[0]);
        else if (name) res.setHeader(name, value);
      }
      res.writeHead(status);
      res.write(head.subarray(end + 4));
    });
    cgi.once('close', () => res.end());
  });
  return {
    host: server.host,
    port: server.port,
    get connections() {
      return server.connections;
    },
    url: (host: string) => `http://${host}:${server.port}/repo.git`,
    close: async () => {
      await server.close();
      await rm(base, { recursive: true, force: true });
    },
  };
}
