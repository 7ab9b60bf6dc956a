/**
 * Builds a stack's two root filesystems from Debian packages with mmdebstrap (run as root):
 * the run image (essential packages + run.packages) and the build image (the same plus
 * build.packages). Downloaded .debs are kept in a directory beside the images, so a rebuild (a
 * corrupted cache, a stack update) fetches only what changed. Each image records the package
 * versions it got (dpkg-query), which become part of the stack version's manifest.
 */
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runTool } from './run-tool.js';
import type { ImageBuilder, ImageTargets, BuiltPackages } from './stack-cache.js';

export interface MmdebstrapOptions {
  suite: string;
  mirror: string;
  /** Package names (or name=version) of each image; build = run + these. */
  runPackages: readonly string[];
  buildPackages: readonly string[];
  /** Reads the package lists again (stacks:update after an operator edited them). */
  loadLists?: () => Promise<{ runPackages: string[]; buildPackages: string[] }>;
  /** Kept .debs (shared by rebuilds). */
  debCacheDir: string;
  /** Per image; default 20 minutes. */
  timeoutMs?: number;
}

const SAFE_PATH = /^\/[A-Za-z0-9_./-]+$/;
// Documentation and manuals no dyno reads; licences stay.
const DPKG_OPTIONS = [
  '--dpkgopt=path-exclude=/usr/share/doc/*', '--dpkgopt=path-include=/usr/share/doc/*/copyright',
  '--dpkgopt=path-exclude=/usr/share/man/*', '--dpkgopt=path-exclude=/usr/share/info/*',
  '--dpkgopt=force-unsafe-io', // a half-written image is detected by its manifest, not saved by fsync
];

export class MmdebstrapBuilder implements ImageBuilder {
  private options: MmdebstrapOptions;

  constructor(options: MmdebstrapOptions) {
    this.options = options;
    // The cache path goes into mmdebstrap's hook strings: only plain path characters.
    if (!SAFE_PATH.test(options.debCacheDir)) throw new Error(`The .deb cache path ${JSON.stringify(options.debCacheDir)} may hold only letters, digits and _ . / -`);
  }

  async reload(): Promise<void> {
    if (this.options.loadLists) this.options = { ...this.options, ...(await this.options.loadLists()) };
  }

  inputs(): string {
    const o = this.options;
    return createHash('sha256').update(JSON.stringify([o.suite, o.runPackages, o.buildPackages, DPKG_OPTIONS])).digest('hex');
  }

  describe(): string {
    return `mmdebstrap ${this.options.suite} from ${this.options.mirror}`;
  }

  async build(targets: ImageTargets, progress: (line: string) => void, signal?: AbortSignal): Promise<BuiltPackages> {
    await mkdir(this.options.debCacheDir, { recursive: true, mode: 0o755 });
    progress(`run image: ${this.options.runPackages.length} packages`);
    await this.debootstrap(targets.run, this.options.runPackages, (l) => progress(`run image: ${l}`), signal);
    if (this.options.buildPackages.length === 0) {
      // Nothing to add: the build image is a copy of the run image (one install, not two).
      progress('build image: the run image (build.packages adds nothing)');
      await runTool(['cp', '-a', '--', targets.run, targets.build], { timeoutMs: 10 * 60_000, ...(signal ? { signal } : {}) });
    } else {
      progress(`build image: run image + ${this.options.buildPackages.length} packages`);
      await this.debootstrap(targets.build, [...this.options.runPackages, ...this.options.buildPackages], (l) => progress(`build image: ${l}`), signal);
    }
    return { run: await installed(targets.run), build: await installed(targets.build) };
  }

  private async debootstrap(target: string, packages: readonly string[], line: (text: string) => void, signal?: AbortSignal): Promise<void> {
    const cache = this.options.debCacheDir;
    await runTool([
      'mmdebstrap', '--mode=root', '--variant=essential', `--include=${packages.join(',')}`,
      '--aptopt=Acquire::Retries "3"', ...DPKG_OPTIONS,
      '--skip=download/empty', '--skip=essential/unlink',
      // openjdk's postinst links its manual page into /usr/share/man/man1 even when dpkg drops manuals.
      '--setup-hook=mkdir -p "$1"/var/cache/apt/archives/ "$1"/usr/share/man/man1',
      `--setup-hook=sync-in ${cache} /var/cache/apt/archives/`,
      `--customize-hook=sync-out /var/cache/apt/archives ${cache}`,
      '--format=directory', this.options.suite, target, this.options.mirror,
    ], { timeoutMs: this.options.timeoutMs ?? 20 * 60_000, line, ...(signal ? { signal } : {}) });
  }
}

/** name=version of every package installed in a root filesystem, sorted. */
async function installed(root: string): Promise<string[]> {
  const out = await runTool(['dpkg-query', `--root=${root}`, '-W', '-f', '${Package}=${Version}\\n'], { timeoutMs: 60_000 });
  return out.split('\n').filter((l) => l !== '').sort();
}

export const stackPackagesDir = (repoStacksDir: string, name: string): string => join(repoStacksDir, name);
