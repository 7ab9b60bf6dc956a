/**
 * Generated files that many dynos share, written once and bind-mounted read-only: /etc/passwd and
 * /etc/group per uid, and the synthetic /sys/fs/cgroup/memory directory (showing the quota) per
 * quota. Synchronous on purpose: tiny local writes, once per uid or size, on the start() path
 * where every thread-pool round trip is latency.
 *
 * The directory is a tmpfs of its own (the stack's /etc generations live in it too): a bind
 * mount's root field in a dyno's /proc/self/mountinfo is its path inside its filesystem, so from
 * a tmpfs it reads `/uid-…/passwd`, never the host's state directory.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { execHelper } from './exec.js';
import { groupFile, passwdFile } from './sandbox-args.js';

/** A cap, not an allocation: the files hold a few hundred KB. */
const SHARED_BYTES = 64 * 1024 * 1024;

/** Whether /proc/self/mounts lists a mount at dir (octal escapes as the kernel writes them). */
function mountedAt(mounts: string, dir: string): boolean {
  const escaped = dir.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
  return mounts.split('\n').some((line) => line.split(' ')[1] === escaped);
}

export class SharedFiles {
  private readonly dir: string;
  private readonly made = new Set<string>();
  private mounted: Promise<void> | undefined;

  constructor(dir: string) {
    this.dir = dir;
  }

  /** Mount the tmpfs (once; again after a failure). Before any file is written. */
  ready(): Promise<void> {
    this.mounted ??= (async () => {
      mkdirSync(dirname(this.dir), { recursive: true, mode: 0o700 });
      mkdirSync(this.dir, { recursive: true, mode: 0o755 });
      // One left by a killed predecessor (its dynos are reaped by now): unmount, don't stack.
      for (let i = 0; i < 8 && mountedAt(await readFile('/proc/self/mounts', 'utf8'), this.dir); i++) {
        await execHelper('/usr/bin/umount', ['-l', this.dir]);
      }
      await execHelper('/usr/bin/mount', ['-t', 'tmpfs', '-o', `size=${SHARED_BYTES},mode=0755`, 'berth-shared', this.dir]);
    })().catch((err: unknown) => {
      this.mounted = undefined;
      throw err;
    });
    return this.mounted;
  }

  /** Unmount (lazily: dynos still running keep their binds) before the directory is removed. */
  async release(): Promise<void> {
    const mounted = this.mounted;
    this.mounted = undefined;
    this.made.clear();
    if (mounted && (await mounted.then(() => true, () => false))) {
      await execHelper('/usr/bin/umount', ['-l', this.dir]).catch(() => undefined);
    }
  }

  private ensure(name: string, files: Record<string, string>): string {
    const path = join(this.dir, name);
    if (this.made.has(name)) return path;
    mkdirSync(path, { recursive: true, mode: 0o755 });
    for (const [file, content] of Object.entries(files)) {
      const temp = join(path, `.${file}.${process.pid}`);
      writeFileSync(temp, content, { mode: 0o644 });
      renameSync(temp, join(path, file));
    }
    this.made.add(name);
    return path;
  }

  /** { passwd, group } for a dyno running as uid. */
  etc(uid: number): { passwd: string; group: string } {
    const dir = this.ensure(`uid-${uid}`, { passwd: passwdFile(uid), group: groupFile(uid) });
    return { passwd: join(dir, 'passwd'), group: join(dir, 'group') };
  }

  /** What the app sees as /sys/fs/cgroup/memory: its quota, where Node (constrainedMemory, heap
   *  sizing) and buildpacks (WEB_CONCURRENCY) look. */
  memoryDir(quotaBytes: number): string {
    const value = `${quotaBytes}\n`;
    return this.ensure(`memory-${quotaBytes}`, { 'memory.limit_in_bytes': value, 'memory.soft_limit_in_bytes': value });
  }
}
