// diskBytes (deploy layer): how much disk a file or directory tree takes, for usage and the budget.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Bytes allocated to `path` and everything under it (st_blocks × 512, like `du`; symlinks are
 * not followed; a hard link counted once per tree walk). 0 when it does not exist; entries that
 * vanish during the walk are skipped.
 */
export async function diskBytes(path: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const stack = [path];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    const info = await lstat(current).catch(() => undefined);
    if (!info) continue;
    if (info.nlink > 1 && !info.isDirectory()) {
      const inode = `${info.dev}:${info.ino}`;
      if (seen.has(inode)) continue;
      seen.add(inode);
    }
    total += info.blocks * 512;
    if (info.isDirectory()) {
      const names = await readdir(current).catch(() => [] as string[]);
      for (const name of names) stack.push(join(current, name));
    }
  }
  return total;
}
