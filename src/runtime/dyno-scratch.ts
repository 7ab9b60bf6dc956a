/**
 * A dyno's writable filesystem: a size-capped tmpfs at <sandbox dir>/scratch (its pages are also
 * charged to the dyno's memory cgroup), holding the overlay's upper and work directories. For a
 * slug dyno, /app is an overlay with the read-only, shared slug as lower layer: the dyno sees the
 * slug, its writes land in the upper layer (owned by the dyno's uid) and vanish with the tmpfs;
 * the slug is never touched. For an `empty` dyno, /app is the upper directory itself. The overlay's
 * options are relative paths, so the dyno's mountinfo shows no absolute host path for /app.
 *
 * The tmpfs is mounted ahead (standby sandboxes) or while the launcher starts; the overlay when
 * the dyno's slug is known. Both are unmounted after exit. (An agent killed while dynos run
 * leaves their mounts in place; they stay valid, and whoever adopts the dynos unmounts them.)
 */
import { chownSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execHelper } from './exec.js';

const MOUNT = '/usr/bin/mount';

export class DynoScratch {
  private root: string;
  private bytes: number;
  private overlay = false;

  private constructor(root: string, bytes: number) {
    this.root = root;
    this.bytes = bytes;
  }

  /** Mount the tmpfs at <dir>/scratch with upper/, work/ and app/ in it. */
  static async mount(dir: string, bytes: number): Promise<DynoScratch> {
    const root = join(dir, 'scratch');
    mkdirSync(root);
    await execHelper(MOUNT, ['-t', 'tmpfs', '-o', `size=${bytes},mode=0755`, 'berth-dyno', root]);
    const scratch = new DynoScratch(root, bytes);
    try {
      for (const d of ['upper', 'work', 'app']) mkdirSync(join(root, d), { mode: d === 'work' ? 0o700 : 0o755 });
    } catch (err) {
      await scratch.release();
      throw err;
    }
    return scratch;
  }

  /** The tmpfs's mount point (`<sandbox dir>/scratch`). */
  get path(): string {
    return this.root;
  }

  /** The sandbox directory moved (standby sandbox → dyno id): follow it. */
  moved(dir: string): void {
    this.root = join(dir, 'scratch');
  }

  /** Make /app for a dyno running as uid: the slug overlay, or the bare upper directory.
   *  Returns the host path to bind at /app. */
  async prepareApp(uid: number, bytes: number, slugDir: string | undefined): Promise<string> {
    const upper = join(this.root, 'upper');
    chownSync(upper, uid, uid);
    const jobs: Array<Promise<unknown>> = [];
    if (bytes !== this.bytes) {
      jobs.push(execHelper(MOUNT, ['-o', `remount,size=${bytes}`, this.root]));
      this.bytes = bytes;
    }
    let app = upper;
    if (slugDir) {
      app = join(this.root, 'app');
      // Paths relative to the tmpfs (mount runs there): the kernel shows the options as given in the
      // dyno's /proc/self/mountinfo, so they name no absolute host path (state or data dir).
      const options = `lowerdir=${relative(this.root, slugDir)},upperdir=upper,workdir=work`;
      jobs.push(execHelper(MOUNT, ['-t', 'overlay', '-o', options, 'berth-dyno', 'app'], { cwd: this.root }).then(() => { this.overlay = true; }));
    }
    await Promise.all(jobs);
    return app;
  }

  async release(): Promise<void> {
    const targets = this.overlay ? [join(this.root, 'app'), this.root] : [this.root];
    await execHelper('/usr/bin/umount', ['-l', ...targets]).catch(() => undefined);
  }
}
