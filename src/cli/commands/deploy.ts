import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appPath } from '../api-client.js';
import type { BuildJson, ReleaseJson, SourceJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command, CommandContext } from '../command.js';
import { openStream, StreamHttpError, writeOut } from '../http-stream.js';
import { listSourceFiles, writeTarball } from '../source-tarball.js';

/** Waits for the build's output to appear (the builder may not have opened it yet). */
const OUTPUT_ATTEMPTS = 30;
/** After the output ends, how long the build may take to record its result. */
const RESULT_ATTEMPTS = 60;
const POLL_MS = 1000;

async function upload(putUrl: string, tarball: string): Promise<void> {
  const { size } = await stat(tarball);
  const res = await openStream(putUrl, {
    method: 'PUT',
    headers: { 'Content-Type': '', 'Content-Length': size },
    body: createReadStream(tarball),
    headersTimeoutMs: 10 * 60_000,
  });
  res.resume();
}

async function streamOutput(ctx: CommandContext, url: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await openStream(url);
      res.setEncoding('utf8');
      for await (const text of res as AsyncIterable<string>) await writeOut(ctx.io.stderr, text);
      return;
    } catch (err) {
      if (!(err instanceof StreamHttpError && err.status === 404) || attempt >= OUTPUT_ATTEMPTS) throw err;
      await sleep(POLL_MS);
    }
  }
}

async function finishedBuild(ctx: CommandContext, app: string, id: string): Promise<BuildJson> {
  for (let attempt = 1; ; attempt++) {
    const build = await ctx.api.get<BuildJson>(appPath(app, `/builds/${encodeURIComponent(id)}`));
    if (build.status !== 'pending') return build;
    if (attempt >= RESULT_ATTEMPTS) {
      throw new CliError(`Build ${id} is still pending after its output ended.`, { hint: `Check on it with \`berth builds:info ${id} -a ${app}\`.` });
    }
    await sleep(POLL_MS);
  }
}

export const deploy: Command = {
  name: 'deploy',
  summary: 'build and release a directory without git push',
  description:
    'Packs DIR (default: this directory) with tar: in a git work tree, the files git knows or would\n' +
    'add (so .gitignore is honoured, uncommitted changes included); elsewhere everything but .git\n' +
    'and node_modules. The build output is shown on stderr; berth deploy exits 1 if the build fails.',
  usage: 'deploy [DIR] [-a APP]',
  args: [{ name: 'DIR', required: false, description: 'the app directory to deploy (default .)' }],
  flags: {},
  needsApp: true,
  examples: ['berth deploy', 'berth deploy ./services/api -a my-api'],
  async run(ctx) {
    const app = ctx.app();
    const dir = resolve(ctx.io.cwd, ctx.args[0] ?? '.');
    const info = await stat(dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new CliError(`${dir} is not a directory.`);
    const source = await listSourceFiles(dir);
    if (source.files.length === 0) throw new CliError(`There are no files to deploy in ${dir}${source.from === 'git' ? ' (git lists none)' : ''}.`);
    const temp = await mkdtemp(join(tmpdir(), 'berth-deploy-'));
    let build: BuildJson;
    try {
      const tarball = join(temp, 'source.tgz');
      await writeTarball(dir, source.files, tarball);
      const { size } = await stat(tarball);
      ctx.note(`Packing ${source.files.length} files from ${dir} (${size < 1024 * 1024 ? `${Math.ceil(size / 1024)} KB` : `${(size / 1024 / 1024).toFixed(1)} MB`})... done`);
      const { source_blob: blob } = await ctx.api.post<SourceJson>('/sources', {});
      await upload(blob.put_url, tarball);
      build = await ctx.api.post<BuildJson>(appPath(app, '/builds'), { source_blob: { url: blob.get_url, version: source.commit } });
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
    ctx.note(`Building ${app} (build ${build.id})...`);
    await streamOutput(ctx, build.output_stream_url);
    const done = await finishedBuild(ctx, app, build.id);
    if (done.status === 'failed') {
      throw new CliError(`Build ${done.id} failed${done.error_message ? `: ${done.error_message.replace(/\.$/, '')}` : ''}.`, { hint: 'Fix what the build output above says, then run berth deploy again.' });
    }
    const release = done.release ? await ctx.api.get<ReleaseJson>(appPath(app, `/releases/${encodeURIComponent(done.release.id)}`)) : undefined;
    ctx.print(`Deployed ${app}${release ? `: v${release.version}` : ''}${source.commit ? ` (${source.commit.slice(0, 7)})` : ''}`);
  },
};
