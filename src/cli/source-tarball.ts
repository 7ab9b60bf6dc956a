import { execFile, spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CliError } from './cli-error.js';

const GIT_TIMEOUT_MS = 60_000;
const TAR_TIMEOUT_MS = 10 * 60_000;
/** More files than this in one deploy is surely a mistake (a home directory, a data dump). */
export const MAX_SOURCE_FILES = 200_000;
const SKIPPED_DIRS = new Set(['.git', 'node_modules']);

interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

function git(dir: string, args: string[]): Promise<ExecResult> {
  return new Promise((resolve) => {
    execFile('git', args, { cwd: dir, timeout: GIT_TIMEOUT_MS, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (!err) return resolve({ code: 0, stdout, stderr });
      const code = (err as { code?: unknown }).code;
      resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr: stderr || err.message });
    });
  });
}

export interface SourceFiles {
  /** Paths relative to the directory, files and symlinks only. */
  files: string[];
  /** `git ls-files` (honouring .gitignore) or a walk that skips .git and node_modules. */
  from: 'git' | 'walk';
  /** The commit at HEAD when the directory is a git work tree with commits. */
  commit: string | null;
}

/** What `berth deploy` uploads from `dir`. */
export async function listSourceFiles(dir: string): Promise<SourceFiles> {
  const inside = await git(dir, ['rev-parse', '--is-inside-work-tree']);
  if (inside.code === 0 && inside.stdout.trim() === 'true') {
    const listed = await git(dir, ['ls-files', '-co', '--exclude-standard', '-z']);
    if (listed.code !== 0) throw new CliError(`\`git ls-files\` failed in ${dir}: ${listed.stderr.trim()}`);
    const names = [...new Set(listed.stdout.split('\0').filter((n) => n !== ''))];
    if (names.length > MAX_SOURCE_FILES) throw tooMany(dir);
    // Tracked files deleted from the work tree are listed too; tar would fail on them.
    const present = await Promise.all(names.map((n) => lstat(join(dir, n)).then((s) => !s.isDirectory(), () => false)));
    const head = await git(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']);
    return { files: names.filter((_, i) => present[i]), from: 'git', commit: head.code === 0 ? head.stdout.trim() || null : null };
  }
  return { files: await walk(dir), from: 'walk', commit: null };
}

async function walk(root: string): Promise<string[]> {
  const files: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const rel = pending.pop() as string;
    for (const entry of await readdir(join(root, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) pending.push(path);
      } else if (entry.isFile() || entry.isSymbolicLink()) {
        files.push(path);
        if (files.length > MAX_SOURCE_FILES) throw tooMany(root);
      }
    }
  }
  return files.sort();
}

function tooMany(dir: string): CliError {
  return new CliError(`${dir} has more than ${MAX_SOURCE_FILES} files to deploy.`, { hint: 'Deploy the app directory itself, and list build output in .gitignore.' });
}

/**
 * Writes a gzipped tarball of `files` (relative to `dir`) to `outPath` with GNU tar, the file
 * list on stdin NUL-separated: `tar -czf - -C DIR --no-recursion --null -T -` (argv, no shell).
 */
export async function writeTarball(dir: string, files: readonly string[], outPath: string): Promise<void> {
  const tar = spawn('tar', ['-czf', '-', '-C', dir, '--no-recursion', '--null', '-T', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  tar.stderr.setEncoding('utf8');
  tar.stderr.on('data', (text: string) => {
    if (stderr.length < 8192) stderr += text;
  });
  const timer = setTimeout(() => tar.kill('SIGKILL'), TAR_TIMEOUT_MS);
  const exited = new Promise<number | null>((resolve, reject) => {
    tar.once('error', reject);
    tar.once('close', (code) => resolve(code));
  });
  exited.catch(() => undefined);
  tar.stdin.on('error', () => {
    // tar exited early; its exit status says why.
  });
  tar.stdin.end(files.map((f) => `${f}\0`).join(''));
  try {
    await pipeline(tar.stdout, createWriteStream(outPath, { mode: 0o600 }));
    const code = await exited;
    if (code !== 0) throw new CliError(`tar failed (exit ${code ?? 'killed'}) packing ${dir}: ${stderr.trim() || 'no message'}`);
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') throw new CliError('`tar` is not installed: berth deploy needs GNU tar on your PATH.');
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
