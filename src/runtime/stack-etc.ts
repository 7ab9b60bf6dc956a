/**
 * The stack's /etc: a copy of a short whitelist of the host's /etc (STACK_ETC), bound into every
 * dyno as ONE read-only mount instead of ~20 (each bind costs bwrap ~0.2 ms), plus empty mount
 * points for the per-dyno passwd, group and hosts. Not the host's /etc wholesale: no host users,
 * no keys, no Berth configuration.
 *
 * On a stack image the copy is the image's whole /etc (it holds no secrets: Debian's defaults,
 * php.ini, the JVM's security files…) with the host's files over it: resolv.conf (the host's
 * resolver) and the CA bundles, PEM and the JVM's (an operator's own CAs must keep working).
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
/** Generations of every StackEtc of this process (host root and each stack image) share one directory. */
let generations = 0;
/** Files inside whitelisted directories whose updates should also start a new generation. */
const WATCHED_INSIDE = ['ssl/certs/ca-certificates.crt'];
/** Host files laid over a stack image's /etc. */
const FROM_HOST = ['resolv.conf', 'ssl/certs/ca-certificates.crt', 'ssl/certs/java/cacerts'];

export class StackEtc {
  private readonly dir: string;
  private readonly source: string;
  private fingerprint = '';
  private checkedAt = 0;
  private building: Promise<string> | undefined;
  private currentDir: string | undefined;

  private readonly image: string | undefined;
  private readonly hostEtc: string;

  /** `image`: a stack image's /etc to copy whole; absent: the whitelist of `source` (host root). */
  constructor(dir: string, source = '/etc', image?: string) {
    this.dir = dir;
    this.source = source;
    this.hostEtc = source;
    this.image = image;
  }

  private stamp(): string {
    return (this.image ? FROM_HOST : [...STACK_ETC, ...WATCHED_INSIDE]).map((entry) => {
      try {
        const s = statSync(join(this.hostEtc, entry));
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
    const target = join(this.dir, `gen-${process.pid}-${++generations}`);
    await rm(target, { recursive: true, force: true });
    await mkdir(join(target, 'ssl'), { recursive: true, mode: 0o755 });
    if (this.image) {
      await cp(this.image, target, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true, force: true });
      for (const entry of FROM_HOST) {
        await rm(join(target, entry), { force: true });
        await cp(join(this.hostEtc, entry), join(target, entry), { dereference: true, preserveTimestamps: true })
          .catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      }
      // Not the image's /etc/shadow, sudoers…: nothing a dyno user could read anyway, but no need.
      for (const file of ['shadow', 'gshadow', 'shadow-', 'gshadow-']) await rm(join(target, file), { force: true });
    } else {
      for (const entry of STACK_ETC) {
        await cp(join(this.source, entry), join(target, entry), { recursive: true, verbatimSymlinks: true, preserveTimestamps: true })
          .catch((err: NodeJS.ErrnoException) => { if (err.code !== 'ENOENT') throw err; });
      }
    }
    for (const file of ['passwd', 'group', 'hosts']) {
      await rm(join(target, file), { force: true });
      await writeFile(join(target, file), '', { mode: 0o644 });
    }
    await rm(join(target, 'localtime'), { force: true });
    await symlink('/usr/share/zoneinfo/Etc/UTC', join(target, 'localtime'));
    this.fingerprint = stamp;
    this.currentDir = target;
    return target;
  }
}
