/** Writes a classic buildpack made of bash scripts, for tests. */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface BuildpackScripts {
  detect?: string;
  compile?: string;
  release?: string;
}

export async function writeBuildpack(dir: string, scripts: BuildpackScripts): Promise<string> {
  await mkdir(join(dir, 'bin'), { recursive: true });
  const all = { detect: 'echo Custom', compile: 'true', ...scripts };
  for (const [name, body] of Object.entries(all)) {
    if (body === undefined) continue;
    const file = join(dir, 'bin', name);
    await writeFile(file, `#!/usr/bin/env bash\nset -eo pipefail\n${body}\n`);
    await chmod(file, 0o755);
  }
  return dir;
}
