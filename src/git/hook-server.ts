/**
 * The unix socket the pre-receive hooks call back on. Each receive-pack gets a fresh session: a
 * random token (passed to its hook through the environment), the app it is for, and an
 * AbortSignal that fires when the push is abandoned. The hook sends its ref updates; the service
 * decides (push-policy), runs onPush for a deploy and streams every line back.
 *
 * Deploy pushes to one app are serialized here, from the hook's call until receive-pack has
 * exited (i.e. has updated the ref or given up). A push that waited re-checks that its branch
 * still has the value it started from, so two racing pushes never both build: the loser is
 * rejected before its build with a message saying why.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import type { GitEnvironment } from './git-command.js';
import { createBranchPush, quarantineEnv, type OnBranches, type OnPush } from './git-push.js';
import { HookChannel } from './hook-channel.js';
import { HOOK_SOCKET_ENV, HOOK_TOKEN_ENV, isZeroSha, MAX_HELLO_BYTES, parseHello, type HookHello } from './hook-protocol.js';
import { KeyedMutex } from './keyed-mutex.js';
import { runDeployPush } from './run-deploy-push.js';
import { decidePush } from './push-policy.js';

export interface PushContext {
  appId: string;
  appName: string;
  accountId: string;
  repoPath: string;
}

export interface PushSession {
  /** Environment for the receive-pack child, so its hook can call back. */
  env: Record<string, string>;
  /** receive-pack has exited: abort what is still running, free the app for the next push. */
  end(): void;
}

interface Session extends PushContext {
  controller: AbortController;
  used: boolean;
  releaseLock: (() => void) | undefined;
}

export interface HookServerDeps {
  git: GitEnvironment;
  onPush: OnPush;
  /** Pushes of other branches only (review apps); absent: they are just stored. */
  onBranches?: OnBranches;
  log: (event: Record<string, unknown>) => void;
}

const HELLO_TIMEOUT_MS = 30_000;
// sun_path is 108 bytes on Linux, including the terminating NUL.
const MAX_SOCKET_PATH = 107;

export class HookServer {
  private readonly sessions = new Map<string, Session>();
  private readonly sockets = new Set<Socket>();
  private readonly mutex = new KeyedMutex();

  private constructor(
    private readonly server: Server,
    readonly socketPath: string,
    private readonly deps: HookServerDeps,
  ) {}

  static async listen(socketPath: string, deps: HookServerDeps): Promise<HookServer> {
    if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) {
      throw new Error(`git hook socket path is longer than ${MAX_SOCKET_PATH} bytes: ${socketPath}; use a shorter data directory`);
    }
    await mkdir(dirname(socketPath), { recursive: true, mode: 0o700 });
    // A socket file left by a previous run (the data dir lock guarantees it is not in use).
    await unlink(socketPath).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    const server = createServer();
    const hooks = new HookServer(server, socketPath, deps);
    server.on('connection', (socket) => hooks.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => { server.off('error', reject); resolve(); });
    });
    await chmod(socketPath, 0o600);
    return hooks;
  }

  open(context: PushContext): PushSession {
    const token = randomBytes(32).toString('hex');
    const session: Session = { ...context, controller: new AbortController(), used: false, releaseLock: undefined };
    this.sessions.set(token, session);
    return {
      env: { [HOOK_SOCKET_ENV]: this.socketPath, [HOOK_TOKEN_ENV]: token },
      end: () => {
        this.sessions.delete(token);
        session.controller.abort(new Error('the push ended'));
        session.releaseLock?.();
      },
    };
  }

  /** Stop listening and drop every hook connection (each hook then fails its push clearly). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    for (const session of this.sessions.values()) session.controller.abort(new Error('Berth is shutting down'));
    await closed;
    await unlink(this.socketPath).catch(() => {});
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => {}); // the hook died; 'close' follows
    socket.setTimeout(HELLO_TIMEOUT_MS, () => socket.destroy());
    let buffered = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      buffered = Buffer.concat([buffered, chunk]);
      const end = buffered.indexOf(0x0a);
      if (end < 0) {
        if (buffered.length > MAX_HELLO_BYTES) socket.destroy();
        return;
      }
      socket.off('data', onData);
      socket.setTimeout(0);
      const hello = parseHello(buffered.subarray(0, end).toString('utf8'));
      void this.serve(socket, hello).catch((err: unknown) => {
        this.deps.log({ at: 'error', component: 'git', msg: 'pre-receive hook handling failed', error: err instanceof Error ? err.stack : String(err) });
        socket.destroy();
      });
    };
    socket.on('data', onData);
  }

  /** Hands a push of non-deploy branches to onBranches; its failure is logged, the push still stored. */
  private async branches(session: Session, hello: HookHello, channel: HookChannel, onBranches: OnBranches): Promise<void> {
    const branches = hello.refs
      .filter((r) => r.ref.startsWith('refs/heads/'))
      .map((r) => ({ branch: r.ref.slice('refs/heads/'.length), newSha: r.newSha, deleted: isZeroSha(r.newSha) }));
    if (branches.length === 0) return;
    const push = createBranchPush(
      {
        appId: session.appId,
        appName: session.appName,
        accountId: session.accountId,
        branches,
        repoPath: session.repoPath,
        gitEnv: quarantineEnv(session.repoPath, hello.objectDirectory, hello.alternateObjectDirectories),
      },
      this.deps.git,
    );
    try {
      await onBranches(push, { write: (line) => channel.write(line), signal: session.controller.signal });
    } catch (err) {
      this.deps.log({ at: 'error', component: 'git', msg: 'onBranches failed', app: session.appName, error: err instanceof Error ? err.stack : String(err) });
      channel.write(' !     Berth could not act on the pushed branches; they were stored.');
    }
  }

  private async serve(socket: Socket, hello: HookHello | undefined): Promise<void> {
    const channel = new HookChannel(socket);
    const session = hello ? this.sessions.get(hello.token) : undefined;
    if (!hello || !session || session.used) {
      channel.write(' !     Berth does not recognise this push (it may have timed out); push again.');
      return channel.finish(false);
    }
    session.used = true;
    socket.on('close', () => {
      if (!channel.finished) session.controller.abort(new Error('lost the connection to the pre-receive hook'));
    });

    const decision = decidePush(hello.refs);
    if (decision.kind === 'reject') {
      for (const line of decision.lines) channel.write(line);
      return channel.finish(false);
    }
    for (const note of decision.notes) channel.write(note);
    if (decision.kind === 'store') {
      if (this.deps.onBranches) await this.branches(session, hello, channel, this.deps.onBranches);
      return channel.finish(true);
    }

    const ok = await runDeployPush({
      session,
      hello,
      deploy: decision.deploy,
      channel,
      mutex: this.mutex,
      // Held until receive-pack exits (end()); released at once if the push is already over.
      holdLock: (release) => {
        if (session.controller.signal.aborted) release();
        else session.releaseLock = release;
      },
      ...this.deps,
    });
    channel.finish(ok);
  }
}
