import { chmod, mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Files under the data dir, in one place. */
export function dataPaths(dataDir: string) {
  return {
    root: dataDir,
    sqlite: join(dataDir, 'state.sqlite'),
    adminKey: join(dataDir, 'admin.key'),
    tls: join(dataDir, 'tls'),
    pid: join(dataDir, 'berth.pid'),
    runtime: join(dataDir, 'berth.json'),
  };
}

export async function ensureDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await chmod(dataDir, 0o700);
}

/** Writes a file atomically (temp + rename) with the given mode. */
export async function writeFileAtomic(path: string, contents: string, mode: number): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, contents, { mode });
  await chmod(temp, mode);
  await rename(temp, path);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data dir for this process: refuses when another live Berth holds it, takes over a
 * stale pid file left by a crash. Returns a release function.
 */
export async function lockDataDir(pidPath: string): Promise<() => Promise<void>> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(pidPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      return async () => {
        await rm(pidPath, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(pidPath, 'utf8').catch(() => '')).trim());
      if (pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`Another Berth (pid ${pid}) is running with this data dir. Stop it first, or use --data-dir for a second instance.`);
      }
      await rm(pidPath, { force: true });
    }
  }
  throw new Error(`Could not take the lock ${pidPath}.`);
}
