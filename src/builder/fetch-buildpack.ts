/**
 * Git buildpacks are fetched once per URL and ref into a cache shared by all builds of this
 * install (`<cacheDir>/<sha256(url#ref)>`): `git init`, a depth-1 fetch of the ref (a branch, a
 * tag or a commit) and a checkout, in a temporary directory renamed into place when complete.
 * Only the listed protocols are allowed; file:// and plain paths only when local buildpacks are.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CommandError, runCommand } from './run-command.js';

export interface FetchGitOptions {
  url: string;
  ref: string | undefined;
  cacheDir: string;
  allowLocal: boolean;
  signal?: AbortSignal;
  timeoutMs?: number;
  /** Extra environment for git (e.g. HTTPS_PROXY); PATH defaults to the system directories. */
  env?: Record<string, string>;
}

export interface FetchedBuildpack {
  dir: string;
  commit: string;
  cached: boolean;
}

export class BuildpackFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildpackFetchError';
  }
}

const MARKER = '.berth-buildpack-commit';

export async function fetchGitBuildpack(options: FetchGitOptions): Promise<FetchedBuildpack> {
  const key = createHash('sha256').update(`${options.url}#${options.ref ?? ''}`).digest('hex').slice(0, 32);
  const dir = join(options.cacheDir, key);
  const cachedCommit = await readMarker(dir);
  if (cachedCommit) return { dir, commit: cachedCommit, cached: true };

  await mkdir(options.cacheDir, { recursive: true, mode: 0o700 });
  const tmp = join(options.cacheDir, `.${key}.${randomBytes(6).toString('hex')}`);
  const protocols = options.allowLocal ? 'https:http:git:ssh:file' : 'https:http:git:ssh';
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: tmp,
    LANG: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: protocols,
    GIT_SSH_COMMAND: 'ssh -o BatchMode=yes',
    ...options.env,
  };
  const run = (args: string[]) =>
    runCommand(['git', ...args], { env, timeoutMs: options.timeoutMs ?? 120_000, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    await run(['init', '--quiet', tmp]);
    await run(['-C', tmp, 'fetch', '--quiet', '--depth', '1', '--', options.url, options.ref ?? 'HEAD']);
    await run(['-C', tmp, 'checkout', '--quiet', '--detach', 'FETCH_HEAD']);
    const commit = (await run(['-C', tmp, 'rev-parse', 'HEAD'])).stdout.trim();
    await rm(join(tmp, '.git'), { recursive: true, force: true });
    await writeFile(join(tmp, MARKER), commit + '\n');
    try {
      await rename(tmp, dir);
    } catch {
      // Another build fetched the same buildpack meanwhile: use theirs.
      if (!(await readMarker(dir))) throw new BuildpackFetchError(`Could not store buildpack ${options.url} in ${dir}.`);
    }
    return { dir, commit, cached: false };
  } catch (err) {
    if (err instanceof CommandError && err.reason !== 'aborted') {
      throw new BuildpackFetchError(
        `Could not fetch buildpack ${options.url}${options.ref ? `#${options.ref}` : ''}: git ${err.reason === 'timeout' ? 'timed out' : `failed (${err.stderr.trim().split('\n').slice(-1)[0] ?? ''})`}. Check the URL and the ref.`,
      );
    }
    throw err;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

async function readMarker(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, MARKER), 'utf8').catch(() => '');
  return text.trim() || undefined;
}
