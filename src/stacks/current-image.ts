/**
 * The image dynos start on now: `<cache>/<stack>/<current version>/<run|build>`, read from the
 * cache's `current` file (stack-cache.ts writes it only after a version is complete and verified).
 * For the host agent, which does not build stacks: it waits while the control plane builds the
 * first version, and follows `stacks:update` by itself (re-read at most once a second).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

const VERSION = /^\d{8}\.[0-9a-f]{8}$/;

export function currentStackImage(dir: string, stack: string, image: 'run' | 'build', options: { waitMs?: number; recheckMs?: number } = {}): () => Promise<string> {
  const waitMs = options.waitMs ?? 30 * 60_000;
  const recheckMs = options.recheckMs ?? 1000;
  let cached: { at: number; path: string } | undefined;
  return async () => {
    if (cached && Date.now() - cached.at < recheckMs) return cached.path;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const version = (await readFile(join(dir, stack, 'current'), 'utf8').catch(() => '')).trim();
      if (VERSION.test(version)) {
        cached = { at: Date.now(), path: join(dir, stack, version, image) };
        return cached.path;
      }
      if (Date.now() > deadline) throw new Error(`The ${stack} stack image is not built on this host (${dir}); run bin/berth stacks:build`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
}
