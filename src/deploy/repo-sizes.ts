// RepoSizes (deploy layer): the size of each app's git repository for the app's `repo_size`,
// measured like `du` and kept until the next push moves one of its refs.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AppDiskPaths } from './app-disk-paths.js';
import { diskBytes } from './disk-bytes.js';

const MAX_ENTRIES = 10_000;

export class RepoSizes {
  private readonly cache = new Map<string, { stamp: string; bytes: number }>();

  constructor(private readonly paths: AppDiskPaths) {}

  /**
   * Bytes of `repos/<app id>.git`, or null before the first push. A push renames a file into
   * `refs/heads` (and may rewrite `packed-refs`): their change times say when to measure again.
   */
  async of(appId: string): Promise<number | null> {
    const dir = this.paths.repoDir(appId);
    const [heads, packed] = await Promise.all([stat(join(dir, 'refs', 'heads')).catch(() => undefined), stat(join(dir, 'packed-refs')).catch(() => undefined)]);
    if (!heads) {
      this.cache.delete(appId);
      return null;
    }
    const stamp = `${heads.mtimeMs}:${heads.ctimeMs}:${packed?.mtimeMs ?? 0}`;
    const known = this.cache.get(appId);
    if (known?.stamp === stamp) return known.bytes;
    const bytes = await diskBytes(dir);
    if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
    this.cache.set(appId, { stamp, bytes });
    return bytes;
  }
}
