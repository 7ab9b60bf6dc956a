// A directory packed and uploaded as a build source (POST /sources + PUT), and a build's output
// followed live: what `berth deploy` and `berth setup` share.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { SourceJson } from './api-types.js';
import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';
import { openStream, StreamHttpError, writeOut } from './http-stream.js';
import { listSourceFiles, writeTarball } from './source-tarball.js';

/** Waits for the build's output to appear (the builder may not have opened it yet). */
const OUTPUT_ATTEMPTS = 30;
const POLL_MS = 1000;

/**
 * Packs `dir` with tar (in a git work tree the files git knows or would add; elsewhere all but
 * .git and node_modules), uploads it to a new source and returns the source's get_url and the
 * commit it was packed at (git only).
 */
export async function uploadSource(ctx: CommandContext, dir: string, what: string): Promise<{ getUrl: string; commit: string | null }> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory()) throw new CliError(`${dir} is not a directory.`);
  const source = await listSourceFiles(dir);
  if (source.files.length === 0) throw new CliError(`There are no files to ${what} in ${dir}${source.from === 'git' ? ' (git lists none)' : ''}.`);
  const temp = await mkdtemp(join(tmpdir(), 'berth-source-'));
  try {
    const tarball = join(temp, 'source.tgz');
    await writeTarball(dir, source.files, tarball);
    const { size } = await stat(tarball);
    ctx.note(`Packing ${source.files.length} files from ${dir} (${size < 1024 * 1024 ? `${Math.ceil(size / 1024)} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`})... done`);
    const { source_blob: blob } = await ctx.api.post<SourceJson>('/sources', {});
    const res = await openStream(blob.put_url, {
      method: 'PUT',
      headers: { 'Content-Type': '', 'Content-Length': size },
      body: createReadStream(tarball),
      headersTimeoutMs: 10 * 60_000,
      ...(ctx.ca ? { ca: ctx.ca } : {}),
    });
    res.resume();
    return { getUrl: blob.get_url, commit: source.commit ?? null };
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}

/** Copies a build's output stream to stderr until it ends (waiting for it to appear first). */
export async function streamBuildOutput(ctx: CommandContext, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await openStream(url, ctx.ca ? { ca: ctx.ca } : {});
      res.setEncoding('utf8');
      for await (const text of res as AsyncIterable<string>) await writeOut(ctx.io.stderr, text);
      return;
    } catch (err) {
      if (!(err instanceof StreamHttpError && err.status === 404) || attempt >= OUTPUT_ATTEMPTS) throw err;
      await sleep(POLL_MS);
    }
  }
}
