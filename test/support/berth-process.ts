import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

export interface RuntimeInfo {
  pid: number;
  api_url: string;
  api_tls_url: string;
  git_host: string;
  api_port: number;
  api_tls_port: number;
  router_port: number;
  router_tls_port: number | null;
  rendezvous_port?: number;
  domain: string;
  admin_key: string;
  ca_cert: string;
  state: string;
  /** git over SSH (null when off, as the harness's default `--ssh-port off` has it). */
  ssh_port?: number | null;
  ssh_git_url?: string | null;
  ssh_host_keys?: Array<{ fingerprint: string; public_key: string }>;
}

export interface BerthProcess {
  dataDir: string;
  child: ChildProcess;
  /** Everything printed so far. */
  output(): string;
  runtime: RuntimeInfo;
  adminKey: string;
  apiUrl: string;
  /** SIGTERM and wait; resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** stop() and delete the data dir. */
  destroy(): Promise<void>;
}

/** Every Berth this test process started and that is still running. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  // SIGTERM makes Berth stop its host agent and dynos too; nothing of a test may linger.
  for (const child of running) child.kill('SIGTERM');
});

export function testEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['NODE_EXTRA_CA_CERTS', 'DATABASE_URL', 'BERTH_API_URL', 'BERTH_API_KEY', 'BERTH_APP', 'BERTH_DATA_DIR']) delete env[name];
  return { ...env, ...extra };
}

/**
 * Runs `bin/berth up` as a user would (minus the install step), on free ports and a temp data dir (or `dataDir`),
 * with one router worker, and waits for the banner. Extra flags go after the defaults.
 */
export async function startBerth(options: { dataDir?: string; args?: string[]; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<BerthProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'berth-e2e-')));
  const args = ['up', '--data-dir', dataDir, '--api-port', '0', '--api-tls-port', '0', '--router-port', '0', '--router-tls-port', '0', '--rendezvous-port', '0', '--outbound', 'off', '--workers', '1', '--ssh-port', 'off', ...(options.args ?? [])];
  // What `bin/berth up` execs once install.sh found nothing to do (the suite ran it already):
  // starting node directly keeps a test from rebuilding when a source file is newer.
  const child = spawn(process.execPath, ['--enable-source-maps', join(repoRoot(), 'dist', 'src', 'main', 'berth.js'), ...args], { env: testEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      // A Berth that never came up must not outlive the test (it would hold the test file open).
      child.kill('SIGTERM');
      reject(new Error(`berth up did not print its banner within ${options.timeoutMs ?? 60000} ms:\n${output}`));
    }, options.timeoutMs ?? 60_000);
    const check = () => {
      if (output.includes('Berth is up')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`berth up exited with ${code} before its banner:\n${output}`));
    });
  });
  await ready.catch(async (err: unknown) => {
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 30_000))]);
    if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  });
  const runtime = JSON.parse(await readFile(join(dataDir, 'berth.json'), 'utf8')) as RuntimeInfo;
  const adminKey = (await readFile(runtime.admin_key, 'utf8')).trim();
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  return {
    dataDir,
    child,
    output: () => output,
    runtime,
    adminKey,
    apiUrl: `http://127.0.0.1:${runtime.api_port}`,
    stop,
    async destroy() {
      await stop();
      if (!options.dataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A JSON API call with the admin key (or `key`). */
export async function api(berth: BerthProcess, path: string, init: RequestInit & { key?: string } = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${berth.apiUrl}${path}`, {
    ...init,
    headers: {
      accept: 'application/vnd.heroku+json; version=3',
      authorization: `Bearer ${init.key ?? berth.adminKey}`,
      ...(init.body ? { 'content-type': 'application/json' } : {}),
      ...(init.headers as Record<string, string> | undefined),
    },
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
}
