// The host's berth-24 images for tests that run dynos on them: the same per-host cache `up` and
// install.sh use (BERTH_STACK_CACHE or /var/cache/berth/stacks), verified once per test process
// and built only when this machine has none yet (once per machine, never per test).
import { openStackCache, stackCacheDir } from '../../src/main/stack-images.js';
import type { StackVersion } from '../../src/stacks/stack-cache.js';

let images: Promise<StackVersion> | undefined;

export function hostStackImages(): Promise<StackVersion> {
  images ??= openStackCache(stackCacheDir(process.env)).then((cache) =>
    cache.ensure((line) => process.stderr.write(`# stack: ${line}\n`), { trustCheckWithinMs: 10 * 60_000 }));
  return images;
}
