/**
 * A dyno's writable filesystem: a size-capped tmpfs at <dyno dir>/scratch (its pages are also
 * charged to the dyno's memory cgroup), holding the overlay's upper and work directories. For a
 * slug dyno, /app is an overlay with the read-only, shared slug as lower layer: the dyno sees the
 * slug, its writes land in the upper layer (owned by the dyno's uid) and vanish with the tmpfs;
 * the slug is never touched. For an `empty` dyno, /app is the upper directory itself.
 *
 * The mounts are made by the agent in parallel with the cgroups and pipes (two `mount` runs),
 * not in the launch chain, and unmounted after exit. (An agent killed while dynos run leaves
 * their mounts in place; they stay valid, and whoever adopts the dynos unmounts them later.)
 */
import { chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execHelper } from './exec.js';

export interface DynoScratch {
  /** What to mount at /app (for slug and empty dynos). */
  appDir: string;
  release(): Promise<void>;
}

export async function mountScratch(dir: string, uid: number, bytes: number, slugDir: string | undefined): Promise<DynoScratch> {
  const root = join(dir, 'scratch');
  const upper = join(root, 'upper');
  const work = join(root, 'work');
  const app = join(root, 'app');
  mkdirSync(root);
  await execHelper('/usr/bin/mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'berth-dyno', root]);
  const mounted = [root];
  const release = async (): Promise<void> => {
    await execHelper('/usr/bin/umount', ['-l', ...[...mounted].reverse()]).catch(() => undefined);
  };
  try {
    mkdirSync(upper, { mode: 0o755 });
    chownSync(upper, uid, uid);
    if (!slugDir) return { appDir: upper, release };
    mkdirSync(work, { mode: 0o700 });
    mkdirSync(app, { mode: 0o755 });
    await execHelper('/usr/bin/mount', ['-t', 'overlay', '-o', `lowerdir=${slugDir},upperdir=${upper},workdir=${work}`, 'berth-dyno', app]);
    mounted.push(app);
    return { appDir: app, release };
  } catch (err) {
    await release();
    throw err;
  }
}
