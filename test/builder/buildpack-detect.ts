/** Runs a built-in buildpack's bin/detect against a directory, as the builder does (minus the sandbox). */
import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/repo-root.js';
import { fixtureDir } from './build-harness.js';

export interface Detected {
  code: number | null;
  stdout: string;
}

export function detect(buildpack: string, dir: string): Promise<Detected> {
  const child = spawn(join(repoRoot(), 'buildpacks', buildpack, 'bin', 'detect'), [dir], { stdio: ['ignore', 'pipe', 'inherit'], timeout: 10_000 });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout }));
  });
}

/** A temp app dir holding `files` (path → content), optionally on top of a fixture; removed by the returned cleanup. */
export async function appDir(files: Record<string, string>, fixture?: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-detect-'));
  if (fixture) await cp(fixtureDir(fixture), dir, { recursive: true });
  for (const [path, text] of Object.entries(files)) await writeFile(join(dir, path), text);
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}
