/** The inputs and outputs of a build (see build.ts). */
import type { BlobStore } from '../blobs/blob-store.js';
import type { ProcessTypes } from '../core/procfile.js';
import type { EgressGuard } from '../egress/egress-guard.js';
import type { BuildSandbox } from './build-sandbox.js';
import type { SlugRef } from './slug.js';

export const DEFAULT_BUILD_TIMEOUT_MS = 15 * 60_000;
export interface BuildOptions {
  /** Letters, digits, - and _; names the in-sandbox build dir (/tmp/build_<id>). */
  buildId: string;
  /** The checked-out source, compiled in place: afterwards it is the app the slug holds. */
  sourceDir: string;
  /** This app's build cache, kept between builds. */
  cacheDir: string;
  /** A directory for this build's scratch files (ENV_DIR, HOME, buildpack copies); cleaned up. */
  scratchDir: string;
  configVars: Record<string, string>;
  /** Buildpack list; empty = detect over the built-ins (BUILTIN_BUILDPACKS, in order). */
  buildpacks: string[];
  /** The repo's buildpacks/ directory. */
  builtinBuildpacksDir: string;
  /** Where git buildpacks are fetched and kept (shared by all apps of this install). */
  buildpackCacheDir: string;
  /**
   * Language runtimes downloaded by buildpacks (Node.js tarballs), shared by every build of this
   * host: world-writable and sticky, so buildpacks verify what they take from it. Handed to
   * buildpacks as BERTH_RUNTIME_CACHE; without it the nodejs buildpack uses the host's Node.js.
   */
  runtimeCacheDir?: string;
  /** Extra environment for buildpack scripts (e.g. npm_config_registry for a registry mirror). */
  buildpackEnv?: Record<string, string>;
  /** Allow absolute paths and file:// URLs as buildpacks (default true). */
  allowLocalBuildpacks?: boolean;
  /** The app's build stack, e.g. 'berth-24'. */
  stack: string;
  /** The stack image version the build dyno runs on; absent: host-root mode (said in the output). */
  stackImage?: { version: string; base: string };
  sourceVersion?: string;
  output: (line: string) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  sandbox: BuildSandbox;
  blobs: BlobStore;
  slugKey: string;
  maxSlugBytes?: number;
  /** Memory limit of the build dyno (default 2048). */
  memoryMb?: number;
  /** PATH inside the sandbox (default /usr/local/bin:/usr/bin:/bin). */
  path?: string;
  /** Extra environment for `git` when fetching buildpacks (proxies). */
  gitEnv?: Record<string, string>;
  /** Which addresses git buildpack URLs may be fetched from (default: public ones only). */
  egress?: EgressGuard;
}

export interface BuildResult {
  /** Process types of the slug: buildpack defaults overridden by the Procfile, without `release`. */
  processTypes: ProcessTypes;
  /** The Procfile's `release:` command, run by the release phase. */
  releaseCommand?: string;
  /** config_vars defaults from bin/release: apply only those the app has not set. */
  configVarDefaults: Record<string, string>;
  /** What the last buildpack's bin/detect printed, e.g. "Node.js". */
  buildpackDescription: string;
  /** The buildpacks that ran, as shown (heroku/nodejs, a URL, a path). */
  buildpacks: string[];
  slug: SlugRef;
  stack: string;
}
