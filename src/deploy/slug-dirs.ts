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

/** DATADIR/slugs/<name>: `<slug id>` for the slug's own app, `<slug id>.<app id>` for an app it was promoted to. */
export function slugDirName(slugId: string, ownerAppId: string, appId: string): string {
  return ownerAppId === appId ? slugId : `${slugId}.${appId}`;
}

/**
 * Unpacks each slug once per host and app into DATADIR/slugs/<slug id>[.<app id>] (validated, owned by the app's
 * dyno uid, never written in place): the shared read-only lower layer of every dyno of its releases.
 */
export class LocalSlugDirs implements SlugDirs {
  private readonly pending = new Map<string, Promise<string>>();

  constructor(private readonly store: Store, private readonly blobs: LocalBlobStore, private readonly dir: string) {}

  ensure(slugId: string, appId: string): Promise<string> {
    if (!/^[0-9a-f-]{36}$/.test(slugId) || !/^[0-9a-f-]{36}$/.test(appId)) return Promise.reject(new Error(`invalid slug or app id ${slugId} ${appId}`));
    const key = `${slugId} ${appId}`;
    let job = this.pending.get(key);
    if (!job) {
      job = this.unpack(slugId, appId).finally(() => this.pending.delete(key));
      this.pending.set(key, job);
    }
    return job;
  }

  private async unpack(slugId: string, appId: string): Promise<string> {
    const slug = await this.store.slugs.findById(slugId);
    if (!slug || slug.size === null) throw new Error(`slug ${slugId} has no uploaded tarball`);
    // A promoted slug (another app's) is unpacked again for this app, owned by this app's uid.
    const dest = join(this.dir, slugDirName(slugId, slug.appId, appId));
    if (await access(dest).then(() => true, () => false)) return dest;
    await mkdir(this.dir, { recursive: true, mode: 0o755 });
    // Unpacked and prepared beside the target, then renamed: a crash never leaves a half-made slug dir.
    const staging = `${dest}.unpacking-${process.pid}`;
    await rm(staging, { recursive: true, force: true });
    // Promoted: a copy of the builder's unpacked dir (never written in place, so as checked as the
    // tarball) is several times faster than unpacking again; the tarball when there is none.
    const own = join(this.dir, slugId);
    const copied = slug.appId !== appId && (await access(own).then(() => true, () => false))
      && (await run('/usr/bin/cp', ['-a', '--reflink=auto', '--', own, staging], { timeout: 120_000 }).then(() => true, () => false));
    if (!copied) {
      await rm(staging, { recursive: true, force: true });
      await unpackSlug(this.blobs.path(slug.blobKey), staging);
    }
    // The app's dynos run as its uid and may change slug files through their overlay.
    const uid = String(uidForApp(appId));
    await run('/usr/bin/chown', ['-R', '--no-dereference', `${uid}:${uid}`, staging], { timeout: 120_000 });
    await run('/usr/bin/chmod', ['-R', 'a+rX', staging], { timeout: 120_000 });
    await rename(staging, dest);
    return dest;
  }
}
