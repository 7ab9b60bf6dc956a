/**
 * The host's stack images: the StackCache (src/stacks) for berth-24, built with mmdebstrap from
 * the package lists in the repo's stacks/ directory into BERTH_STACK_CACHE (default
 * /var/cache/berth/stacks: per host, outside every data dir, so `up` restarts, other instances
 * and CI runs on the machine share one build). `berth stacks:build` (install.sh runs it) builds or
 * verifies it in the foreground with progress; `up` does the same before serving pushes.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BERTH_24, type StackInfo } from '../core/stacks.js';
import { MmdebstrapBuilder } from '../stacks/mmdebstrap-builder.js';
import { parsePackageList } from '../stacks/package-list.js';
import { StackCache, type StackVersion } from '../stacks/stack-cache.js';
import type { StackDescription } from '../api/context.js';
import type { Store } from '../store/port.js';

export const DEFAULT_STACK_CACHE = '/var/cache/berth/stacks';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const stacksDir = fileURLToPath(new URL('../../../stacks', import.meta.url));

/** The Node.js Berth runs on, which its own buildpacks (and Procfile-only Node apps) use inside
 *  stack dynos at /usr/local/bin/node, with the host's global npm. */
export function hostNode(): { binary: string; modules?: string } {
  const modules = '/usr/lib/node_modules';
  return { binary: process.execPath, ...(existsSync(`${modules}/npm`) ? { modules } : {}) };
}

/** Where this host keeps stack images (BERTH_STACK_CACHE or the default). */
export function stackCacheDir(env: NodeJS.ProcessEnv): string {
  return env.BERTH_STACK_CACHE || DEFAULT_STACK_CACHE;
}

/** Where the package lists are: BERTH_STACK_LISTS (an operator's own <stack>/run.packages and
 *  build.packages, e.g. with a library their apps load) or the repo's stacks/ directory. */
export function stackListsDir(env: NodeJS.ProcessEnv): string {
  return env.BERTH_STACK_LISTS ? resolve(env.BERTH_STACK_LISTS) : stacksDir;
}

export async function openStackCache(dir: string, options: { stack?: StackInfo; mirror?: string; listsDir?: string } = {}): Promise<StackCache> {
  const { stack = BERTH_24, mirror = DEBIAN_MIRROR, listsDir = stacksDir } = options;
  const list = async (file: string, allowEmpty = false) => parsePackageList(await readFile(join(listsDir, stack.name, file), 'utf8'), join(listsDir, stack.name, file), { allowEmpty });
  const loadLists = async () => ({ runPackages: await list('run.packages'), buildPackages: await list('build.packages', true) });
  const builder = new MmdebstrapBuilder({ suite: stack.suite, mirror, ...(await loadLists()), loadLists, debCacheDir: join(dir, '.debs') });
  return new StackCache({ dir, stack, builder });
}

/** `berth stacks:build [--update]`: build (or verify) the host's stack images in the foreground. */
export async function runStackBuildCommand(args: readonly string[], env: NodeJS.ProcessEnv, print: (text: string) => void): Promise<number> {
  const unknown = args.filter((a) => a !== '--update');
  if (unknown.length > 0) {
    print(`Unknown argument ${unknown[0]}. Usage: berth stacks:build [--update]`);
    return 2;
  }
  const cache = await openStackCache(stackCacheDir(env), { listsDir: stackListsDir(env) });
  const started = Date.now();
  const say = (line: string) => print(`stack: ${line}`);
  const version = args.includes('--update') ? await cache.update(say) : await cache.ensure(say);
  const m = version.manifest;
  print(`${version.stack} ${version.version} (${m.base}): run image ${Math.round(m.images.run.bytes / 1e6)} MB, build image ${Math.round(m.images.build.bytes / 1e6)} MB, ready in ${Math.round((Date.now() - started) / 100) / 10} s`);
  return 0;
}

/** The images a build dyno runs on (the deploy pipeline's view of HostStacks). */
export interface BuildStackImage {
  path: string;
  version: string;
  base: string;
}

/**
 * The stack images of a running `up`: verified (or built, on a fresh host) in the background
 * while the API already serves; a build arriving meanwhile waits and says so. Describes them for
 * GET /stacks, and `update()` rebuilds them and rolls every app's dynos onto the new version.
 */
export class HostStacks {
  private ready: Promise<StackVersion> | undefined;
  private pending = false;
  private latest: StackVersion | undefined;

  constructor(
    private readonly cache: StackCache,
    private readonly deps: { log: (line: string) => void; rollApps: (version: StackVersion, previous: string | null) => Promise<number> },
  ) {}

  /** Verify (or build) now; resolves at once, the work goes on in the background. */
  start(): void {
    this.pending = true;
    // Many `up`s on one host (CI) check a version once per 10 minutes; `berth stacks:build` always does.
    this.ready = this.cache.ensure((line) => this.deps.log(line), { trustCheckWithinMs: 10 * 60_000 }).then(
      (version) => {
        this.latest = version;
        this.pending = false;
        return version;
      },
      (err: unknown) => {
        this.pending = false;
        this.ready = undefined; // the next build tries again
        throw err;
      },
    );
    this.ready.catch((err: unknown) => this.deps.log(`the ${this.cache.stack.name} stack is not usable: ${err instanceof Error ? err.message : String(err)}`));
  }

  async buildImage(waiting: (message: string) => void): Promise<BuildStackImage> {
    if (!this.ready) this.start();
    if (this.pending) waiting(`Waiting for this host to finish building the ${this.cache.stack.name} stack image (${this.cache.stack.base}); the first build on a new host takes minutes, later ones none`);
    const version = this.latest ?? (await (this.ready as Promise<StackVersion>));
    return { path: version.build, version: version.version, base: version.manifest.base };
  }

  async describe(): Promise<StackDescription[]> {
    const v = this.latest;
    const m = v?.manifest;
    return [{
      name: this.cache.stack.name,
      base: this.cache.stack.base,
      dynoRoot: 'image',
      state: v ? 'ready' : 'building',
      version: v?.version ?? null,
      builtAt: m?.builtAt ?? null,
      contentHash: m ? createHash('sha256').update(`${m.images.run.contentHash} ${m.images.build.contentHash}`).digest('hex') : null,
      runImageBytes: m?.images.run.bytes ?? null,
      buildImageBytes: m?.images.build.bytes ?? null,
      packages: m?.packages.build.length ?? null,
    }];
  }

  async update(name: string, progress: (line: string) => void): Promise<{ version: string; previous: string | null; apps: number }> {
    if (name !== this.cache.stack.name) throw new Error(`No stack images of ${name} on this host`);
    const previous = this.latest?.version ?? null;
    const version = await this.cache.update((line) => { this.deps.log(line); progress(line); });
    this.latest = version;
    this.ready = Promise.resolve(version);
    const apps = version.version === previous ? 0 : await this.deps.rollApps(version, previous);
    return { version: version.version, previous, apps };
  }
}

/**
 * After a stack update: every app says so in its log (`heroku[api]`) and restarts its dynos the
 * way a deploy rolls them (web with a surge: no dropped request). The new dynos start on the new
 * run image; the slugs are not rebuilt. Returns how many apps were rolled.
 */
export async function rollAllApps(
  deps: { store: Store; restart: (appId: string) => void; emit: (appId: string, line: string) => void },
  version: StackVersion,
  previous: string | null,
): Promise<number> {
  let apps = 0;
  let page = await deps.store.apps.list({}, { field: 'id', startExclusive: false, max: 1000, order: 'asc' });
  for (;;) {
    for (const app of page.items) {
      deps.emit(app.id, `Stack ${version.stack} updated${previous ? ` from ${previous}` : ''} to ${version.version}: restarting dynos onto it, no rebuild`);
      deps.restart(app.id);
      apps += 1;
    }
    if (page.nextAfter === undefined) return apps;
    page = await deps.store.apps.list({}, { field: 'id', start: page.nextAfter, startExclusive: true, max: 1000, order: 'asc' });
  }
}
