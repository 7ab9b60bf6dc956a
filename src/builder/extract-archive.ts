/**
 * Extracts a validated tar.gz with GNU tar: inspect first (inspect-archive.ts), then extract
 * into a fresh sibling directory and rename the chosen root into place, so `dest` either does
 * not exist or holds the whole result. GNU tar's own safety nets stay on (no --absolute-names),
 * owners and setuid bits are not restored.
 */
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { inspectArchive, UnsafeArchiveError, type ArchivePlan, type ArchiveRules } from './inspect-archive.js';
import { runCommand } from './run-command.js';
import { SLUG_RULES } from './slug.js';

export interface ExtractOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
  maxEntries?: number;
  maxUnpackedBytes?: number;
}

export async function extractArchive(file: string, dest: string, rules: ArchiveRules, options: ExtractOptions = {}): Promise<ArchivePlan> {
  const plan = await inspectArchive(file, {
    ...rules,
    ...(options.maxEntries !== undefined ? { maxEntries: options.maxEntries } : {}),
    ...(options.maxUnpackedBytes !== undefined ? { maxUnpackedBytes: options.maxUnpackedBytes } : {}),
  });
  const staging = join(dirname(dest), `.${randomBytes(8).toString('hex')}.unpacking`);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    await runCommand(
      ['tar', '--extract', '--gzip', '--file', file, '--directory', staging,
        '--no-same-owner', '--no-same-permissions', '--delay-directory-restore',
        '--no-acls', '--no-selinux', '--no-xattrs', '--warning=no-unknown-keyword', '--warning=no-timestamp'],
      { timeoutMs: options.timeoutMs ?? 10 * 60_000, ...(options.signal ? { signal: options.signal } : {}) },
    );
    const result = plan.root === '' ? staging : join(staging, plan.root);
    const info = await lstat(result).catch(() => undefined);
    if (!info?.isDirectory()) throw new UnsafeArchiveError(`The ${rules.kind} was rejected: ./${plan.root} did not unpack to a directory.`);
    await rename(result, dest);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return plan;
}

export { SLUG_RULES };

/** Source tarballs: the whole archive, or its single top-level directory (GitHub tarballs). */
export const SOURCE_RULES: ArchiveRules = { kind: 'source tarball', root: '', stripSingleTopDir: true };

/** Unpacks a slug: `dest` (which must not exist) becomes the app directory, what dynos see as /app. */
export function unpackSlug(file: string, dest: string, options: ExtractOptions = {}): Promise<ArchivePlan> {
  return extractArchive(file, dest, SLUG_RULES, options);
}

/** Extracts a source tarball into `dest` (which must not exist). */
export function extractSource(file: string, dest: string, options: ExtractOptions = {}): Promise<ArchivePlan> {
  return extractArchive(file, dest, SOURCE_RULES, options);
}
