/**
 * Git buildpacks are fetched once per URL and ref into a cache shared by all builds of this
 * install (`<cacheDir>/<sha256(url#ref)>`): `git init`, a depth-1 fetch of the ref (a branch, a
 * tag or a commit) and a checkout, in a temporary directory renamed into place when complete.
 * Only https, http and git are allowed; file:// and plain paths only when local buildpacks are.
 * git runs as a child process, so the egress guard cannot sit in its sockets: the name is resolved
 * and every address checked first, then git is pinned to those addresses (http.curloptResolve
 * for http(s), the address in the URL for git://) and follows no redirects.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { EgressGuard } from '../egress/egress-guard.js';
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
  /** Which addresses the URL may resolve to (default: public ones only). */
  egress?: EgressGuard;
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
  const pinned = await pinnedSource(options.url, options.egress ?? new EgressGuard());
  const protocols = options.allowLocal ? 'https:http:git:file' : 'https:http:git';
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: tmp,
    LANG: 'C.UTF-8',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_ALLOW_PROTOCOL: protocols,
    ...options.env,
  };
  const run = (args: string[]) =>
    runCommand(['git', ...args], { env, timeoutMs: options.timeoutMs ?? 120_000, ...(options.signal ? { signal: options.signal } : {}) });
  try {
    await run(['init', '--quiet', tmp]);
    await run([...pinned.config, '-C', tmp, 'fetch', '--quiet', '--depth', '1', '--', pinned.url, options.ref ?? 'HEAD']);
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
    if (err instanceof CommandError && err.reason !== 'aborted' && /returned error: 30[1-8]\b/.test(err.stderr)) {
      throw new BuildpackFetchError(
        `Could not fetch buildpack ${options.url}: it redirects elsewhere, and following redirects is refused by policy (a redirect could lead to an address the URL's own did not). Use the final URL.`,
      );
    }
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

/**
 * The URL git fetches and the `-c` settings that pin it to addresses the guard checked. Local
 * URLs pass as they are (allowed only when local buildpacks are).
 */
async function pinnedSource(url: string, guard: EgressGuard): Promise<{ url: string; config: string[] }> {
  if (url.startsWith('/') || url.startsWith('file:')) return { url, config: [] };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new BuildpackFetchError(`Could not fetch buildpack ${url}: it is not a valid URL.`);
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== 'https' && scheme !== 'http' && scheme !== 'git') {
    throw new BuildpackFetchError(`Could not fetch buildpack ${url}: ${scheme}:// is not supported (Berth holds no key for it); use an https:// URL.`);
  }
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = await guard.resolve(host).catch((err: unknown) => {
    throw new BuildpackFetchError(`Could not fetch buildpack ${url}: ${err instanceof Error ? err.message : String(err)}.`);
  });
  const literal = (a: { address: string; family: number }) => (a.family === 6 ? `[${a.address}]` : a.address);
  const config = ['-c', 'http.followRedirects=false'];
  if (scheme === 'git') {
    parsed.hostname = literal(addresses[0] as { address: string; family: number });
    return { url: parsed.toString(), config };
  }
  if (isIP(host)) return { url, config }; // nothing to resolve: the checked address is the URL's
  const port = parsed.port || (scheme === 'https' ? '443' : '80');
  config.push('-c', `http.curloptResolve=${host}:${port}:${addresses.map(literal).join(',')}`);
  return { url, config };
}

async function readMarker(dir: string): Promise<string | undefined> {
  const text = await readFile(join(dir, MARKER), 'utf8').catch(() => '');
  return text.trim() || undefined;
}
