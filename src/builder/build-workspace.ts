/**
 * The build's directories as the sandbox sees them: the source (BUILD_DIR), the app's cache
 * (CACHE_DIR), ENV_DIR with one file per config var, a HOME of its own, and the environment
 * the buildpack scripts get (STACK, SOURCE_VERSION, BERTH_RUNTIME_CACHE and the configured
 * buildpack env such as npm_config_registry; never the config vars), with a curl first on PATH
 * that names the URL a failed download could not reach.
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BuildOptions } from './build-options.js';
import type { BuildMounts, Mount } from './buildpack-runner.js';
import { DOWNLOAD_REPORTER_DIR, installDownloadReporter } from './download-reporter.js';

export const CONFIG_VAR_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export async function prepareMounts(options: BuildOptions, scratch: string): Promise<BuildMounts> {
  const { sandbox, buildId } = options;
  const mount = (role: 'build' | 'cache' | 'env' | 'home' | 'runtimes', host: string): Mount => ({ host, target: sandbox.targetFor(role, host, { buildId }) });
  const envDir = join(scratch, 'env');
  const home = join(scratch, 'home');
  await mkdir(envDir, { mode: 0o700 });
  await mkdir(home, { mode: 0o700 });
  await installDownloadReporter(home);
  await mkdir(options.cacheDir, { recursive: true, mode: 0o700 });
  await mkdir(join(scratch, 'buildpacks'));
  for (const [name, value] of Object.entries(options.configVars)) {
    if (!CONFIG_VAR_NAME.test(name)) throw new Error(`Config var name ${JSON.stringify(name)} is invalid`);
    await writeFile(join(envDir, name), value, { mode: 0o600 });
  }
  if (options.runtimeCacheDir) {
    // Every app's build uid writes here: world-writable and sticky, like /tmp.
    await mkdir(options.runtimeCacheDir, { recursive: true });
    await chmod(options.runtimeCacheDir, 0o1777);
  }
  return {
    ...(options.runtimeCacheDir ? { runtimes: mount('runtimes', options.runtimeCacheDir) } : {}),
    build: mount('build', options.sourceDir),
    cache: mount('cache', options.cacheDir),
    env: mount('env', envDir),
    home: mount('home', home),
    buildpacks: [],
  };
}

export function buildEnv(options: BuildOptions, mounts: BuildMounts): Record<string, string> {
  return {
    ...options.buildpackEnv,
    ...(mounts.runtimes ? { BERTH_RUNTIME_CACHE: mounts.runtimes.target } : {}),
    // First, the curl that names a URL it could not reach (download-reporter.ts).
    PATH: `${join(mounts.home.target, DOWNLOAD_REPORTER_DIR)}:${options.path ?? '/usr/local/bin:/usr/bin:/bin'}`,
    HOME: mounts.home.target,
    LANG: 'C.UTF-8',
    // Heroku's name: official buildpacks pick their binaries by it, and berth-24 runs Heroku-24's.
    STACK: 'heroku-24',
    BERTH_STACK: options.stack,
    ...(options.sourceVersion ? { SOURCE_VERSION: options.sourceVersion } : {}),
  };
}
