/**
 * A build dyno's bound directories (DynoSpec.binds: build dir, cache, env, buildpacks) without
 * their host paths in the dyno's /proc/self/mountinfo. A plain bind mount shows its path inside
 * the host filesystem; instead each directory is the upper layer (writable) or a lower layer
 * (read-only) of an overlay over an empty directory, mounted from inside the dyno's scratch
 * tmpfs with relative options, the way /app is (dyno-scratch.ts). With an empty lower layer the
 * overlay behaves as a bind: reads, writes, deletes and renames go straight to the host
 * directory, which the builder reads after the dyno exits. Work directories sit in the sandbox
 * directory (the same filesystem as the data dir; overlayfs needs upper and work on one). The
 * mounts go with the scratch tmpfs (a lazy unmount detaches the whole tree).
 */
import { mkdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { execHelper } from './exec.js';
import type { DynoBind } from './types.js';

/**
 * Mounts an overlay per directory bind under `<scratch>/binds/<n>` and returns the binds with
 * those mount points as sources. A bind that is not a directory, or whose overlay the kernel
 * refuses (e.g. an upper layer on a filesystem overlayfs cannot write to), stays a plain bind
 * and `warn` says so.
 */
export async function mountBindOverlays(scratch: string, sandboxDir: string, binds: readonly DynoBind[], warn: (message: string) => void): Promise<DynoBind[]> {
  if (binds.length === 0) return [];
  mkdirSync(join(scratch, 'empty'), { recursive: true, mode: 0o755 });
  const out: DynoBind[] = [];
  for (const [n, bind] of binds.entries()) {
    const info = await stat(bind.source).catch(() => undefined);
    if (!info?.isDirectory()) {
      out.push(bind); // bwrap reports what is wrong with it (a platform fault)
      continue;
    }
    const point = join(scratch, 'binds', String(n));
    mkdirSync(point, { recursive: true, mode: 0o755 });
    let options: string;
    if (bind.readonly) {
      options = `lowerdir=${relative(scratch, bind.source)}:empty`;
    } else {
      const work = join(sandboxDir, 'bind-work', String(n));
      mkdirSync(work, { recursive: true, mode: 0o700 });
      options = `lowerdir=empty,upperdir=${relative(scratch, bind.source)},workdir=${relative(scratch, work)}`;
    }
    try {
      await execHelper('/usr/bin/mount', ['-t', 'overlay', '-o', options, 'berth-bind', relative(scratch, point)], { cwd: scratch });
      out.push({ ...bind, source: point });
    } catch (err) {
      warn(`bound directory ${bind.target} could not be an overlay (${err instanceof Error ? err.message : String(err)}); bound as it is, so the dyno's mountinfo shows its host path`);
      out.push(bind);
    }
  }
  return out;
}
