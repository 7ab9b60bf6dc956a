/**
 * The host's stack images: the StackCache (src/stacks) for berth-24, built with mmdebstrap from
 * the package lists in the repo's stacks/ directory into BERTH_STACK_CACHE (default
 * /var/cache/berth/stacks: per host, outside every data dir, so `up` restarts, other instances
 * and CI runs on the machine share one build). `berth stacks:build` (install.sh runs it) builds or
 * verifies it in the foreground with progress; `up` does the same before serving pushes.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BERTH_24, type StackInfo } from '../core/stacks.js';
import { MmdebstrapBuilder } from '../stacks/mmdebstrap-builder.js';
import { parsePackageList } from '../stacks/package-list.js';
import { StackCache } from '../stacks/stack-cache.js';

export const DEFAULT_STACK_CACHE = '/var/cache/berth/stacks';
export const DEBIAN_MIRROR = 'http://deb.debian.org/debian';
const stacksDir = fileURLToPath(new URL('../../../stacks', import.meta.url));

/** Where this host keeps stack images (BERTH_STACK_CACHE or the default). */
export function stackCacheDir(env: NodeJS.ProcessEnv): string {
  return env.BERTH_STACK_CACHE || DEFAULT_STACK_CACHE;
}

export async function openStackCache(dir: string, stack: StackInfo = BERTH_24, mirror = DEBIAN_MIRROR): Promise<StackCache> {
  const list = async (file: string) => parsePackageList(await readFile(join(stacksDir, stack.name, file), 'utf8'), `stacks/${stack.name}/${file}`);
  const builder = new MmdebstrapBuilder({
    suite: stack.suite,
    mirror,
    runPackages: await list('run.packages'),
    buildPackages: await list('build.packages'),
    debCacheDir: join(dir, '.debs'),
  });
  return new StackCache({ dir, stack, builder });
}

/** `berth stacks:build [--update]`: build (or verify) the host's stack images in the foreground. */
export async function runStackBuildCommand(args: readonly string[], env: NodeJS.ProcessEnv, print: (text: string) => void): Promise<number> {
  const unknown = args.filter((a) => a !== '--update');
  if (unknown.length > 0) {
    print(`Unknown argument ${unknown[0]}. Usage: berth stacks:build [--update]`);
    return 2;
  }
  const cache = await openStackCache(stackCacheDir(env));
  const started = Date.now();
  const say = (line: string) => print(`stack: ${line}`);
  const version = args.includes('--update') ? await cache.update(say) : await cache.ensure(say);
  const m = version.manifest;
  print(`${version.stack} ${version.version} (${m.base}): run image ${Math.round(m.images.run.bytes / 1e6)} MB, build image ${Math.round(m.images.build.bytes / 1e6)} MB, ready in ${Math.round((Date.now() - started) / 100) / 10} s`);
  return 0;
}
