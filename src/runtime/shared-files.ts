/**
 * Generated files that many dynos share, written once and bind-mounted read-only: /etc/passwd and
 * /etc/group per uid, and the synthetic /sys/fs/cgroup/memory directory (showing the quota) per
 * quota. Synchronous on purpose: tiny local writes, once per uid or size, on the start() path
 * where every thread-pool round trip is latency.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { groupFile, passwdFile } from './sandbox-args.js';

export class SharedFiles {
  private readonly dir: string;
  private readonly made = new Set<string>();

  constructor(dir: string) {
    this.dir = dir;
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
