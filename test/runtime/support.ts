// Shared helpers for the runtime tests: a Runtime with a unique prefix and state dir, throwaway
// slugs, and a way to run a dyno to the end and collect its output (bounded).
import { randomBytes, randomUUID } from 'node:crypto';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Runtime, type DynoExit, type DynoSpec, type RunningDyno, type RuntimeOptions } from '../../src/runtime/runtime.js';

export const uniquePrefix = (): string => `t${randomBytes(3).toString('hex').slice(0, 5)}`;

export interface TestRuntime {
  runtime: Runtime;
  prefix: string;
  root: string;
  warnings: string[];
  /** A slug directory with these files (paths relative to /app; `mode` 0755 for *.sh). */
  slug(files: Record<string, string>): Promise<string>;
  spec(overrides?: Partial<DynoSpec>): DynoSpec;
  cleanup(): Promise<void>;
}

export async function testRuntime(options: Partial<RuntimeOptions> = {}): Promise<TestRuntime> {
  const prefix = uniquePrefix();
  const root = await mkdtemp(join(tmpdir(), `berth-runtime-${prefix}-`));
  const warnings: string[] = [];
  const runtime = new Runtime({ prefix, stateDir: join(root, 'dynos'), standby: 0, warn: (m) => warnings.push(m), ...options });
  let slugs = 0;
  return {
    runtime,
    prefix,
    root,
    warnings,
    async slug(files) {
      const dir = join(root, 'slugs', String(++slugs));
      await mkdir(dir, { recursive: true });
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(dir, path)), { recursive: true });
        await writeFile(join(dir, path), content);
        if (path.endsWith('.sh')) await chmod(join(dir, path), 0o755);
      }
      return dir;
    },
    spec(overrides = {}) {
      return {
        id: randomUUID(),
        appId: randomUUID(),
        appName: 'test-app',
        name: 'run.1',
        command: 'true',
        env: {},
        size: 'standard-1x',
        network: 'none',
        app: { kind: 'empty' },
        ...overrides,
      };
    },
    async cleanup() {
      await runtime.shutdown({ killDynos: true });
      await rm(root, { recursive: true, force: true });
    },
  };
}

const MAX_CAPTURE = 256 * 1024;

/** Everything a stream yields (first 256 KB), once it ends. */
export function capture(stream: Readable): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => { if (text.length < MAX_CAPTURE) text += d; });
    stream.on('error', () => resolve(text));
    stream.on('close', () => resolve(text));
  });
}

export interface Finished {
  exit: DynoExit;
  stdout: string;
  stderr: string;
}

export async function finish(dyno: RunningDyno): Promise<Finished> {
  const [stdout, stderr, exit] = await Promise.all([capture(dyno.stdout), capture(dyno.stderr), dyno.exited]);
  return { exit, stdout, stderr };
}

export async function run(t: TestRuntime, overrides: Partial<DynoSpec>): Promise<Finished> {
  return finish(await t.runtime.start(t.spec({ timeoutMs: 20_000, ...overrides })));
}
