/**
 * Reads a small file of the app (Procfile, .slugignore) on the host, where the app is not
 * trusted: a symlink is not followed (it could point at any host file), a FIFO can't block the
 * build, and the size is bounded.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';

export class AppFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AppFileError';
  }
}

/** The file's text, or undefined when it does not exist. */
export async function readAppFile(path: string, name: string, maxBytes = 256 * 1024): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'ELOOP') throw new AppFileError(`${name} is a symlink; commit it as a regular file.`);
    throw err;
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new AppFileError(`${name} is not a regular file; commit it as one.`);
    if (info.size > maxBytes) throw new AppFileError(`${name} is ${info.size} bytes, over the limit of ${maxBytes}.`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}
