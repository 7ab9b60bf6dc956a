/**
 * A throwaway Berth-like setup for builder tests: a local blob store, a per-app cache, scratch
 * and buildpack-cache directories under one temp dir, the process sandbox, and `build()` which
 * copies a fixture app (or any directory) into a fresh source dir and runs a build.
 */
import { cp, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../src/blobs/local-blob-store.js';
import { runBuild, type BuildOptions, type BuildResult } from '../../src/builder/build.js';
import { BuildError } from '../../src/builder/build-error.js';
import { ProcessSandbox } from '../../src/builder/process-sandbox.js';
import { repoRoot } from '../support/repo-root.js';

export const fixtureDir = (name: string): string => join(repoRoot(), 'test', 'fixtures', 'apps', name);

export interface BuildRun {
  result?: BuildResult;
  error?: BuildError;
  lines: string[];
  output: string;
  sourceDir: string;
}

export class BuildHarness {
  private n = 0;
  private constructor(
    readonly root: string,
    readonly blobs: LocalBlobStore,
  ) {}

  static async create(): Promise<BuildHarness> {
    const root = await mkdtemp(join(tmpdir(), 'berth-build-test-'));
    for (const d of ['scratch', 'bpcache', 'sources']) await mkdir(join(root, d));
    return new BuildHarness(root, new LocalBlobStore(join(root, 'blobs')));
  }

  cacheDir(app = 'app'): string {
    return join(this.root, 'cache', app);
  }

  /** Copies `source` (a fixture name or an absolute path) and builds it. */
  async build(source: string, overrides: Partial<BuildOptions> = {}): Promise<BuildRun> {
    const id = `b${++this.n}${Math.random().toString(36).slice(2, 8)}`;
    const sourceDir = join(this.root, 'sources', id);
    await cp(source.startsWith('/') ? source : fixtureDir(source), sourceDir, { recursive: true });
    const lines: string[] = [];
    const run: BuildRun = { lines, output: '', sourceDir };
    try {
      run.result = await runBuild({
        buildId: id,
        sourceDir,
        cacheDir: this.cacheDir(),
        scratchDir: join(this.root, 'scratch'),
        configVars: {},
        buildpacks: [],
        builtinBuildpacksDir: join(repoRoot(), 'buildpacks'),
        buildpackCacheDir: join(this.root, 'bpcache'),
        stack: 'berth-24',
        sourceVersion: 'abc1234',
        output: (line) => lines.push(line),
        sandbox: new ProcessSandbox({ killGraceMs: 500 }),
        blobs: this.blobs,
        slugKey: `slugs/${id}.tgz`,
        ...overrides,
      });
    } catch (err) {
      if (!(err instanceof BuildError)) throw err;
      run.error = err;
    }
    run.output = lines.join('\n');
    return run;
  }

  cleanup(): Promise<void> {
    return rm(this.root, { recursive: true, force: true });
  }
}
