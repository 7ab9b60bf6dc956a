/**
 * The per-host cache of stack images, outside any data dir (default /var/cache/berth/stacks), so
 * it survives `up` restarts, other Berth instances and CI runs on the same machine:
 *
 *   <dir>/<stack>/current              the version dynos start on
 *   <dir>/<stack>/<version>/run/       run image (a root filesystem), read-only to every dyno
 *   <dir>/<stack>/<version>/build/     build image (run image + compilers, headers, git, make)
 *   <dir>/<stack>/<version>/manifest.json  packages, content hashes and quick stamps; written LAST
 *   <dir>/<stack>/.building-<pid>-<n>/ a build in progress (or left by a dead builder: removed)
 *   <dir>/<stack>/.lock                one builder per host (stack-lock.ts)
 *
 * ensure() returns the current version once verified (tree-digest.ts: a quick stamp, the full
 * content hash when the stamp differs); a version without a manifest (half-built) or whose
 * content hash differs (corrupted) is removed and rebuilt. update() builds a new version and makes
 * it current; the previous ones stay (running dynos use them) up to KEEP_VERSIONS.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StackInfo } from '../core/stacks.js';
import { takeStackLock } from './stack-lock.js';
import { contentDigest, metadataStamp } from './tree-digest.js';

export interface ImageTargets {
  run: string;
  build: string;
}

/** name=version of every installed package, per image. */
export interface BuiltPackages {
  run: string[];
  build: string[];
}

/** Makes the two root filesystems of a stack (mmdebstrap-builder.ts; tests use a tiny real one). */
export interface ImageBuilder {
  describe(): string;
  /** What the images are built from (suite, package lists): a version built from other inputs is
   *  replaced by a new build. Absent: any version will do. */
  inputs?(): string;
  /** Reads its inputs again (a stack update picks up edited package lists). */
  reload?(): Promise<void>;
  build(targets: ImageTargets, progress: (line: string) => void, signal?: AbortSignal): Promise<BuiltPackages>;
}

interface ImageRecord {
  contentHash: string;
  stamp: string;
  bytes: number;
}

export interface StackManifest {
  stack: string;
  version: string;
  base: string;
  builtAt: string;
  builder: string;
  buildSeconds: number;
  /** The builder's inputs() when it was built (stale when the package lists change). */
  inputs?: string;
  packages: BuiltPackages;
  images: { run: ImageRecord; build: ImageRecord };
}

/** A verified stack version on this host. */
export interface StackVersion {
  stack: string;
  version: string;
  /** Root filesystems. */
  run: string;
  build: string;
  manifest: StackManifest;
}

export class StackCacheError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StackCacheError';
  }
}

export interface StackCacheOptions {
  dir: string;
  stack: StackInfo;
  builder: ImageBuilder;
  clock?: () => Date;
}

const KEEP_VERSIONS = 3;

/**
 * Files install scripts generate with the build's time in them (the JVM's keystore, fontconfig's
 * caches): two builds of the same packages differ only there. They count by path, not content,
 * so an update that Debian changed nothing for keeps the version (and restarts no dyno). Dynos
 * never read the image's keystore (StackEtc lays the host's over it); fontconfig rebuilds a bad
 * cache by itself.
 */
export const regeneratedFile = (path: string): boolean => path === 'etc/ssl/certs/java/cacerts' || path.startsWith('var/cache/fontconfig/');
const VERSION = /^\d{8}\.[0-9a-f]{8}$/;

async function treeBytes(root: string): Promise<number> {
  let total = 0;
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (e.isDirectory()) pending.push(join(dir, e.name));
      else if (e.isFile()) total += (await lstat(join(dir, e.name))).size;
    }
  }
  return total;
}

export class StackCache {
  private readonly root: string;
  private seq = 0;
  private queue: Promise<unknown> = Promise.resolve();
  private verified: StackVersion | undefined;

  constructor(private readonly options: StackCacheOptions) {
    this.root = join(options.dir, options.stack.name);
  }

  get stack(): StackInfo {
    return this.options.stack;
  }

  /** The current version, verified; built (or rebuilt) when missing, half-built or corrupted. */
  ensure(progress: (line: string) => void = () => undefined, options: { trustCheckWithinMs?: number } = {}): Promise<StackVersion> {
    return this.serial('verify', progress, async () => {
      const current = await this.currentName();
      if (current !== undefined) {
        const wanted = this.options.builder.inputs?.();
        const manifest = await this.readManifest(current);
        if (wanted !== undefined && manifest !== undefined && manifest.inputs !== wanted) {
          // Checkouts with other package lists share this host: a version built from these lists
          // before is made current again instead of being built a second time.
          const earlier = (await this.versions()).find((m) => m.inputs === wanted);
          if (earlier !== undefined && (await this.problem(earlier.version, progress)) === undefined) {
            progress(`the package lists of ${this.options.stack.name} are those version ${earlier.version} was built from: making it current again`);
            await writeFile(join(this.root, earlier.version, '.checked'), `${new Date().toISOString()}\n`);
            await this.makeCurrent(earlier.version);
            return this.load(earlier.version);
          }
          progress(`the package lists of ${this.options.stack.name} changed since version ${current} was built: building a new version`);
          return this.buildVersion(progress);
        }
        // Another start checked this version moments ago (many `up`s on one host): trust that.
        if (options.trustCheckWithinMs !== undefined && (await this.checkedWithin(current, options.trustCheckWithinMs))) return this.load(current);
        const problem = await this.problem(current, progress);
        if (problem === undefined) await writeFile(join(this.root, current, '.checked'), `${new Date().toISOString()}\n`);
        if (problem === undefined) return this.load(current);
        progress(`${this.options.stack.name} version ${current} ${problem}: rebuilding it`);
        await rm(join(this.root, current), { recursive: true, force: true });
      }
      return this.buildVersion(progress);
    });
  }

  /** Builds a new version from the package lists as Debian has them now and makes it current. */
  update(progress: (line: string) => void = () => undefined): Promise<StackVersion> {
    return this.serial('update', progress, async () => {
      await this.options.builder.reload?.();
      return this.buildVersion(progress);
    });
  }

  /** Every version on this host with a manifest, newest first (not verified). */
  async versions(): Promise<StackManifest[]> {
    const names = (await readdir(this.root).catch(() => [] as string[])).filter((n) => VERSION.test(n));
    const out: StackManifest[] = [];
    for (const name of names) {
      const manifest = await this.readManifest(name);
      if (manifest) out.push(manifest);
    }
    return out.sort((a, b) => b.builtAt.localeCompare(a.builtAt));
  }

  /** A version's images by name (a dyno started before an update keeps its version). */
  async version(version: string): Promise<StackVersion | undefined> {
    if (!VERSION.test(version)) return undefined;
    const manifest = await this.readManifest(version);
    return manifest ? this.toVersion(version, manifest) : undefined;
  }

  private async serial<T>(doing: string, progress: (line: string) => void, work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => {
      await mkdir(this.root, { recursive: true, mode: 0o755 });
      const release = await takeStackLock(join(this.root, '.lock'), doing, (owner) =>
        progress(`waiting for process ${owner.pid} (since ${owner.since}) to finish: ${owner.doing} of ${this.options.stack.name}`));
      try {
        return await work();
      } finally {
        await release();
      }
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async checkedWithin(version: string, ms: number): Promise<boolean> {
    const checked = await stat(join(this.root, version, '.checked')).catch(() => undefined);
    return checked !== undefined && Date.now() - checked.mtimeMs < ms && (await this.readManifest(version)) !== undefined;
  }

  private async currentName(): Promise<string | undefined> {
    const text = await readFile(join(this.root, 'current'), 'utf8').catch(() => undefined);
    const name = text?.trim();
    return name && VERSION.test(name) ? name : undefined;
  }

  private async readManifest(version: string): Promise<StackManifest | undefined> {
    try {
      const manifest = JSON.parse(await readFile(join(this.root, version, 'manifest.json'), 'utf8')) as StackManifest;
      return manifest.version === version && manifest.images?.run && manifest.images?.build ? manifest : undefined;
    } catch {
      return undefined;
    }
  }

  /** Why a version can't be used, or undefined when it verifies. */
  private async problem(version: string, progress: (line: string) => void): Promise<string | undefined> {
    if (this.verified?.version === version) {
      // Verified by this process already: the quick stamp is enough.
      const same = await Promise.all((['run', 'build'] as const).map(async (image) =>
        (await metadataStamp(join(this.root, version, image)).catch(() => '')) === this.verified?.manifest.images[image].stamp));
      if (same.every(Boolean)) return undefined;
    }
    const manifest = await this.readManifest(version);
    if (!manifest) return 'is half-built (no manifest)';
    let restamped = false;
    for (const image of ['run', 'build'] as const) {
      const dir = join(this.root, version, image);
      const stamp = await metadataStamp(dir).catch(() => undefined);
      if (stamp === undefined) return `is half-built (no ${image} image)`;
      if (stamp === manifest.images[image].stamp) continue;
      progress(`verifying the ${image} image of ${this.options.stack.name} ${version} (it changed since it was verified)`);
      const content = await contentDigest(dir, undefined, regeneratedFile);
      if (content !== manifest.images[image].contentHash) return `is corrupted (the ${image} image's content hash is ${content.slice(0, 12)}…, its manifest says ${manifest.images[image].contentHash.slice(0, 12)}…)`;
      manifest.images[image].stamp = stamp; // same content, other metadata (e.g. copied): take the new stamp
      restamped = true;
    }
    if (restamped) await this.writeManifest(version, manifest);
    return undefined;
  }

  private async load(version: string): Promise<StackVersion> {
    const manifest = await this.readManifest(version);
    if (!manifest) throw new StackCacheError(`${this.options.stack.name} version ${version} has no manifest`);
    this.verified = this.toVersion(version, manifest);
    return this.verified;
  }

  private toVersion(version: string, manifest: StackManifest): StackVersion {
    return { stack: this.options.stack.name, version, run: join(this.root, version, 'run'), build: join(this.root, version, 'build'), manifest };
  }

  private async writeManifest(version: string, manifest: StackManifest): Promise<void> {
    const path = join(this.root, version, 'manifest.json');
    await writeFile(`${path}.tmp`, `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o644 });
    await rename(`${path}.tmp`, path);
  }

  private async buildVersion(progress: (line: string) => void): Promise<StackVersion> {
    const clock = this.options.clock ?? (() => new Date());
    const name = this.options.stack.name;
    const previous = await this.currentName(); // dynos run on it until the roll ends: never pruned here
    for (const leftover of (await readdir(this.root)).filter((n) => n.startsWith('.building-'))) {
      progress(`removing ${leftover}, a build of ${name} that did not finish`);
      await rm(join(this.root, leftover), { recursive: true, force: true });
    }
    const work = join(this.root, `.building-${process.pid}-${++this.seq}`);
    const targets = { run: join(work, 'run'), build: join(work, 'build') };
    await mkdir(work, { mode: 0o755 });
    const started = Date.now();
    progress(`building ${name} (${this.options.stack.base}) with ${this.options.builder.describe()}`);
    try {
      const packages = await this.options.builder.build(targets, progress);
      progress(`hashing the images of ${name}`);
      const [runHash, buildHash] = await Promise.all([contentDigest(targets.run, undefined, regeneratedFile), contentDigest(targets.build, undefined, regeneratedFile)]);
      // The same content as a version this host has (Debian changed nothing): keep that one, whose
      // files running dynos may be using, and drop the new build.
      const same = (await this.versions()).find((m) => m.images.run.contentHash === runHash && m.images.build.contentHash === buildHash);
      if (same !== undefined && (await this.problem(same.version, progress)) === undefined) {
        await rm(work, { recursive: true, force: true });
        progress(`the rebuilt images of ${name} are the same as version ${same.version}: keeping it`);
        const inputs = this.options.builder.inputs?.();
        if (inputs !== undefined && same.inputs !== inputs) await this.writeManifest(same.version, { ...same, inputs });
        await writeFile(join(this.root, same.version, '.checked'), `${new Date().toISOString()}\n`);
        await this.makeCurrent(same.version);
        return this.load(same.version);
      }
      const builtAt = clock();
      const day = builtAt.toISOString().slice(0, 10).replace(/-/g, '');
      const version = `${day}.${createHash('sha256').update(`${runHash} ${buildHash}`).digest('hex').slice(0, 8)}`;
      const dir = join(this.root, version);
      await rm(dir, { recursive: true, force: true }); // a broken copy of this content (verified above): replace it
      await rename(work, dir);
      const images = {
        run: { contentHash: runHash, stamp: await metadataStamp(join(dir, 'run')), bytes: await treeBytes(join(dir, 'run')) },
        build: { contentHash: buildHash, stamp: await metadataStamp(join(dir, 'build')), bytes: await treeBytes(join(dir, 'build')) },
      };
      const buildSeconds = Math.round((Date.now() - started) / 100) / 10;
      await this.writeManifest(version, { stack: name, version, base: this.options.stack.base, builtAt: builtAt.toISOString(), builder: this.options.builder.describe(), buildSeconds, ...(this.options.builder.inputs ? { inputs: this.options.builder.inputs() } : {}), packages, images });
      await writeFile(join(dir, '.checked'), `${builtAt.toISOString()}\n`);
      await this.makeCurrent(version);
      progress(`${name} ${version} ready: run image ${mb(images.run.bytes)}, build image ${mb(images.build.bytes)}, built in ${buildSeconds} s`);
      await this.prune(version, previous);
      return this.load(version);
    } catch (err) {
      await rm(work, { recursive: true, force: true });
      throw err instanceof StackCacheError ? err : new StackCacheError(`Building the ${name} stack failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async makeCurrent(version: string): Promise<void> {
    // When each version was last current: pruning keeps the ones dynos may still run on.
    await writeFile(join(this.root, version, '.current-since'), `${new Date().toISOString()}\n`);
    await writeFile(join(this.root, 'current.tmp'), `${version}\n`);
    await rename(join(this.root, 'current.tmp'), join(this.root, 'current'));
  }

  /** Removes all but the newest KEEP_VERSIONS, newest by when they were last current (a version
   *  made current again is new), never the current one or the one current before it. */
  private async prune(current: string, previous: string | undefined): Promise<void> {
    const lastCurrent = async (m: StackManifest) => {
      const since = (await readFile(join(this.root, m.version, '.current-since'), 'utf8').catch(() => '')).trim();
      return since > m.builtAt ? since : m.builtAt;
    };
    const others = (await this.versions()).filter((m) => m.version !== current);
    const dated = await Promise.all(others.map(async (m) => ({ m, at: await lastCurrent(m) })));
    dated.sort((a, b) => b.at.localeCompare(a.at));
    for (const { m } of dated.slice(KEEP_VERSIONS - 1)) {
      if (m.version === previous) continue;
      await rm(join(this.root, m.version), { recursive: true, force: true });
    }
  }

}

const mb = (bytes: number): string => `${Math.round(bytes / 1e6)} MB`;
