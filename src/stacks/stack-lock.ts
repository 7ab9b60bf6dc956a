/**
 * One builder per stack per host: a lock file made with O_EXCL holding the owner's pid. Another
 * process waits (saying so every few seconds); a lock whose process is gone is taken over, since
 * that builder died (its half-built directory is cleared by the next build).
 */
import { open, readFile, rm, stat } from 'node:fs/promises';

export interface LockOwner {
  pid: number;
  since: string;
  doing: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    const owner = JSON.parse(await readFile(path, 'utf8')) as LockOwner;
    return typeof owner.pid === 'number' ? owner : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the lock (waiting as long as a live process holds it); resolves with its release. */
export async function takeStackLock(path: string, doing: string, waiting: (owner: LockOwner) => void, pollMs = 500): Promise<() => Promise<void>> {
  let lastSaid = 0;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o644);
      await handle.writeFile(JSON.stringify({ pid: process.pid, since: new Date().toISOString(), doing } satisfies LockOwner));
      await handle.close();
      return () => rm(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = await readOwner(path);
    const unreadable = owner === undefined && Date.now() - ((await stat(path).catch(() => undefined))?.mtimeMs ?? 0) > 2000;
    if (unreadable || (owner !== undefined && owner.pid !== process.pid && !alive(owner.pid))) {
      // Unreadable for a while (its writer died between open and write), or its process is gone.
      await rm(path, { force: true });
      continue;
    }
    if (owner && Date.now() - lastSaid >= 5000) {
      lastSaid = Date.now();
      waiting(owner);
    }
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
