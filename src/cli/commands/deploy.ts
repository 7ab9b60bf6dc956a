import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { appPath } from '../api-client.js';
import type { BuildJson, ReleaseJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command, CommandContext } from '../command.js';
import { streamBuildOutput, uploadSource } from '../source-upload.js';

/** After the output ends, how long the build may take to record its result. */
const RESULT_ATTEMPTS = 60;
const POLL_MS = 1000;

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
    const packed = await uploadSource(ctx, dir, 'deploy');
    const build = await ctx.api.post<BuildJson>(appPath(app, '/builds'), { source_blob: { url: packed.getUrl, version: packed.commit } });
    ctx.note(`Building ${app} (build ${build.id})...`);
    await streamBuildOutput(ctx, build.output_stream_url);
    const done = await finishedBuild(ctx, app, build.id);
    if (done.status === 'failed') {
      throw new CliError(`Build ${done.id} failed${done.error_message ? `: ${done.error_message.replace(/\.$/, '')}` : ''}.`, { hint: 'Fix what the build output above says, then run berth deploy again.' });
    }
    const release = done.release ? await ctx.api.get<ReleaseJson>(appPath(app, `/releases/${encodeURIComponent(done.release.id)}`)) : undefined;
    ctx.print(`Deployed ${app}${release ? `: v${release.version}` : ''}${packed.commit ? ` (${packed.commit.slice(0, 7)})` : ''}`);
  },
};
