/**
 * git's smart HTTP protocol, served by running the real `git receive-pack` / `git upload-pack`
 * with `--stateless-rpc` (the same commands `git http-backend` runs). We run them directly rather
 * than through http-backend as a CGI because the service already does routing, authentication
 * and access checks itself: there are no CGI variables to build, no CGI header block to parse,
 * and the child, its streams, its environment and its lifetime stay fully under our control.
 *
 * Bodies stream both ways (gzip request bodies are inflated on the fly, with a byte limit); the
 * child is killed, with everything it started, when the client disconnects or a timeout fires.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Transform, pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { spawnGit, type GitEnvironment } from './git-command.js';

export type GitRpcService = 'git-receive-pack' | 'git-upload-pack';

/** abnormal: git was killed or exited non-zero. */
export interface RpcOutcome {
  abnormal: boolean;
}

export interface RpcOptions {
  git: GitEnvironment;
  service: GitRpcService;
  repoPath: string;
  /** Extra `-c key=value` settings and environment for this run. */
  config?: Array<[string, string]>;
  env?: Record<string, string>;
  timeoutMs: number;
  maxRequestBytes: number;
  log: (event: Record<string, unknown>) => void;
}

const NO_CACHE = {
  'Cache-Control': 'no-cache, max-age=0, must-revalidate',
  Pragma: 'no-cache',
  Expires: 'Fri, 01 Jan 1980 00:00:00 GMT',
};

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...NO_CACHE, ...headers });
  res.end(`${text}\n`);
}

/** A pkt-line: 4 hex digits of length (including themselves), then the payload. */
const pktLine = (payload: string): string =>
  (Buffer.byteLength(payload) + 4).toString(16).padStart(4, '0') + payload;

/** The `Git-Protocol` request header, if well-formed (only upload-pack speaks protocol v2). */
export function gitProtocol(req: IncomingMessage): string | undefined {
  const value = req.headers['git-protocol'];
  return typeof value === 'string' && /^[A-Za-z0-9=:.,_-]{1,256}$/.test(value) ? value : undefined;
}

const configArgs = (config: Array<[string, string]> = []): string[] => config.flatMap(([k, v]) => ['-c', `${k}=${v}`]);

/**
 * Stream a git child's stdout into the response. The 200 goes out with the first byte, so a child
 * that fails before writing anything can still be answered with an error the client shows.
 */
async function relay(
  req: IncomingMessage,
  res: ServerResponse,
  options: RpcOptions,
  args: string[],
  contentType: string,
  preamble: string,
  input: Readable | undefined,
  transforms: Transform[] = [],
): Promise<RpcOutcome> {
  const proc = spawnGit(options.git, args, { cwd: options.repoPath, env: options.env, timeoutMs: options.timeoutMs });
  const startResponse = (): void => {
    if (res.headersSent) return;
    res.writeHead(200, { 'Content-Type': contentType, ...NO_CACHE });
    if (preamble) res.write(preamble);
  };
  res.on('close', () => { if (!res.writableFinished) proc.kill('the client disconnected'); });
  req.on('error', () => proc.kill('the request failed'));

  let inputError: { status: number; message: string } | undefined;
  if (input) {
    // Request → (gunzip) → limit, as one pipeline whose errors are the request's fault...
    const onBodyError = (err: Error | null): void => {
      if (!err || !proc.running()) return;
      if ((err as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return proc.kill('the client disconnected');
      inputError = err instanceof RequestTooLarge
        ? { status: 413, message: err.message }
        : { status: 400, message: `the request body could not be read (${err.message})` };
      proc.kill(inputError.message);
    };
    const body = transforms.length === 0 ? input.once('error', onBodyError) : pipeline([input, ...transforms], onBodyError) as unknown as Readable;
    // ...pumped into git by hand: when git stops reading early (it refused the push and says why
    // on stdout), the rest of the body is drained and dropped, not used to tear down the socket
    // the answer still has to travel on.
    const stdin = proc.child.stdin!;
    const stopFeeding = (): void => {
      body.removeAllListeners('data');
      body.resume();
    };
    stdin.once('error', stopFeeding);
    stdin.once('close', stopFeeding);
    body.on('data', (chunk: Buffer) => {
      if (!stdin.write(chunk)) {
        body.pause();
        stdin.once('drain', () => body.resume());
      }
    });
    body.once('end', () => stdin.end());
  } else {
    proc.child.stdin?.end();
  }

  const stdout = proc.child.stdout!;
  stdout.on('data', (chunk: Buffer) => {
    startResponse();
    if (!res.write(chunk)) {
      stdout.pause();
      res.once('drain', () => stdout.resume());
    }
  });
  const exit = await proc.exited;
  if (exit.killedBecause !== undefined || exit.code !== 0) {
    options.log({
      at: exit.killedBecause === 'the client disconnected' ? 'info' : 'warn',
      component: 'git',
      msg: `${options.service} ${exit.killedBecause ? `stopped: ${exit.killedBecause}` : `exited with ${exit.code ?? exit.signal}`}`,
      repo: options.repoPath,
      stderr: exit.stderr.trim().slice(-1000),
    });
  }
  const outcome: RpcOutcome = { abnormal: exit.killedBecause !== undefined || exit.code !== 0 };
  if (res.destroyed) return outcome;
  if (!res.headersSent && outcome.abnormal) {
    const why = inputError?.message ?? exit.killedBecause ?? `git ${options.service.slice(4)} failed: ${exit.stderr.trim().split('\n').pop() ?? ''}`;
    sendText(res, inputError?.status ?? 500, `Berth could not serve this git request: ${why}`);
    return outcome;
  }
  startResponse();
  res.end();
  return outcome;
}

/** GET /<app>.git/info/refs?service=… : the ref advertisement. */
export function advertiseRefs(req: IncomingMessage, res: ServerResponse, options: RpcOptions): Promise<RpcOutcome> {
  const protocol = options.service === 'git-upload-pack' ? gitProtocol(req) : undefined;
  const v2 = protocol?.split(':').includes('version=2') ?? false;
  // Protocol v2 starts with its capability list instead of the service announcement.
  const preamble = v2 ? '' : `${pktLine(`# service=${options.service}\n`)}0000`;
  const args = [...configArgs(options.config), options.service.slice(4), '--stateless-rpc', '--advertise-refs', options.repoPath];
  const env = { ...options.env, ...(protocol ? { GIT_PROTOCOL: protocol } : {}) };
  return relay(req, res, { ...options, env }, args, `application/x-${options.service}-advertisement`, preamble, undefined);
}

class RequestTooLarge extends Error {}

function limitBytes(max: number): Transform {
  let total = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      total += chunk.length;
      if (total > max) callback(new RequestTooLarge(`the request is larger than ${Math.round(max / 1024 / 1024)} MB`));
      else callback(null, chunk);
    },
  });
}

/** POST /<app>.git/git-receive-pack or git-upload-pack. */
export function serveRpc(req: IncomingMessage, res: ServerResponse, options: RpcOptions): Promise<RpcOutcome> {
  const expected = `application/x-${options.service}-request`;
  if (req.headers['content-type'] !== expected) {
    sendText(res, 415, `Expected Content-Type ${expected}; use a git client to push and fetch.`);
    return Promise.resolve({ abnormal: false });
  }
  const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
  if (!['identity', 'gzip', 'x-gzip'].includes(encoding)) {
    sendText(res, 415, `Unsupported Content-Encoding ${encoding}; git sends gzip or nothing.`);
    return Promise.resolve({ abnormal: false });
  }
  const transforms: Transform[] = encoding === 'identity' ? [] : [createGunzip()];
  transforms.push(limitBytes(options.maxRequestBytes));
  const protocol = options.service === 'git-upload-pack' ? gitProtocol(req) : undefined;
  const env = { ...options.env, ...(protocol ? { GIT_PROTOCOL: protocol } : {}) };
  const args = [...configArgs(options.config), options.service.slice(4), '--stateless-rpc', options.repoPath];
  return relay(req, res, { ...options, env }, args, `application/x-${options.service}-result`, '', req, transforms);
}
