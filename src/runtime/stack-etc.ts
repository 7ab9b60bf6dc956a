/**
 * The stack's /etc: a copy of a short whitelist of the host's /etc (STACK_ETC), bound into every
 * dyno as ONE read-only mount instead of ~20 (each bind costs bwrap ~0.2 ms), plus empty mount
 * points for the per-dyno passwd, group and hosts. Not the host's /etc wholesale: no host users,
 * no keys, no Berth configuration.
 *
 * The copy is a generation: when a source changes (a ca-certificates or resolv.conf update; checked
 * at most every few seconds by size and mtime) the next start builds a new generation. Older ones
 * stay until shutdown, because running dynos have them mounted.
 */
import { statSync } from 'node:fs';
import { cp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { STACK_ETC } from './sandbox-args.js';

const RECHECK_MS = 3000;
/** Files inside whitelisted directories whose updates should also start a new generation. */
const WATCHED_INSIDE = ['ssl/certs/ca-certificates.crt'];

export class StackEtc {
  private readonly dir: string;
  private readonly source: string;
  private fingerprint = '';
  private checkedAt = 0;
  private generation = 0;
  private building: Promise<string> | undefined;
  private currentDir: string | undefined;

  constructor(dir: string, source = '/etc') {
    this.dir = dir;
    this.source = source;
  }

  private stamp(): string {
    return [...STACK_ETC, ...WATCHED_INSIDE].map((entry) => {
      try {
        const s = statSync(join(this.source, entry));
        return `${entry}:${s.size}:${s.mtimeMs}`;
      } catch {
        return `${entry}:-`;
      }
    }).join('|');
  }

  /** The directory to bind at /etc. */
  async current(now = Date.now()): Promise<string> {
    if (this.currentDir && now - this.checkedAt < RECHECK_MS) return this.currentDir;
    if (this.building) return this.building;
    this.checkedAt = now;
    const stamp = this.stamp();
    if (this.currentDir && stamp === this.fingerprint) return this.currentDir;
    this.building = this.build(stamp).finally(() => { this.building = undefined; });
    return this.building;
  }

  private async build(stamp: string): Promise<string> {
    const target = join(this.dir, `gen-${process.pid}-${++this.generation}`);
    await rm(target, { recursive: true, force: true });
    await mkdir(join(target, 'ssl'), { recursive: true, mode: 0o755 });
    for (const entry of STACK_ETC) {
      await cp(join(this.source, entry), join(target, entry), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true })
        .catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
    }
    for (const file of ['passwd', 'group', 'hosts']) await writeFile(join(target, file), '', { mode: 0o644 });
    await symlink('/usr/share/zoneinfo/Etc/UTC', join(target, 'localtime'));
    this.fingerprint = stamp;
    this.currentDir = target;
    return target;
  }
}
