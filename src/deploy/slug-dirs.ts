// LocalSlugDirs (deploy layer): each slug unpacked once per host, the read-only /app of its dynos.
import { execFile } from 'node:child_process';
import { access, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LocalBlobStore } from '../blobs/local-blob-store.js';
import { unpackSlug } from '../builder/extract-archive.js';
import { uidForApp } from '../runtime/runtime.js';
import type { SlugDirs } from '../scheduler/dyno-manager.js';
import type { Store } from '../store/port.js';

const run = promisify(execFile);

/**
 * Unpacks each slug once per host into DATADIR/slugs/<slug id> (validated, owned by the app's
 * dyno uid, never written in place): the shared read-only lower layer of every dyno of its releases.
 */
export class LocalSlugDirs implements SlugDirs {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly store: Store, private readonly blobs: LocalBlobStore, private readonly dir: string) {}

  ensure(slugId: string): Promise<string> {
    let job = this.pending.get(slugId);
    if (!job) {
      job = this.unpack(slugId).finally(() => this.pending.delete(slugId));
      this.pending.set(slugId, job);
    }
    return job;
  }

  private async unpack(slugId: string): Promise<string> {
    if (!/^[0-9a-f-]{36}$/.test(slugId)) throw new Error(`invalid slug id ${slugId}`);
    const dest = join(this.dir, slugId);
    if (await access(dest).then(() => true, () => false)) return dest;
    const slug = await this.store.slugs.findById(slugId);
    if (!slug || slug.size === null) throw new Error(`slug ${slugId} has no uploaded tarball`);
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    // Unpacked and prepared beside the target, then renamed: a crash never leaves a half-made slug dir.
    const staging = `${dest}.unpacking-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    await unpackSlug(this.blobs.path(slug.blobKey), staging);
    // The app's dynos run as its uid and may change slug files through their overlay.
    const uid = String(uidForApp(slug.appId));
    await run('/usr/bin/chown', ['-R', '--no-dereference', `${uid}:${uid}`, staging], { timeout: 120_000 });
    await run('/usr/bin/chmod', ['-R', 'a+rX', staging], { timeout: 120_000 });
    await rename(staging, dest);
    return dest;
  }
}
