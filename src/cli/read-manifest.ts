import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { CliError } from './cli-error.js';

const MAX_MANIFEST_BYTES = 64 * 1024;

/** An add-on manifest file (JSON, at most 64 KB), or a CliError saying why it can't be read. */
export async function readManifest(cwd: string, file: string): Promise<unknown> {
  const path = resolve(cwd, file);
  try {
    if ((await stat(path)).size > MAX_MANIFEST_BYTES) throw new CliError(`${file} is larger than 64 KB; is it really an add-on manifest?`);
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    if (err instanceof CliError) throw err;
    if (err instanceof SyntaxError) throw new CliError(`${file} is not valid JSON: ${err.message}.`);
    throw new CliError(`Cannot read the manifest ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}
