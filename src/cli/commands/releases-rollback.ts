import { appPath } from '../api-client.js';
import type { ReleaseJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { openStream, StreamHttpError, writeOut } from '../http-stream.js';
import { getRelease } from '../release-lookup.js';

export const releasesRollback: Command = {
  name: 'releases:rollback',
  aliases: ['rollback'],
  summary: "roll back to an earlier release's code and config (default: the previous)",
  description:
    'Creates a new release with the slug and config vars of RELEASE. Without RELEASE it picks the\n' +
    'release before the newest one that is eligible for rollback, as the official CLI does.\n' +
    'Add-ons are not added or removed.',
  usage: 'releases:rollback [RELEASE] [-a APP]',
  args: [{ name: 'RELEASE', required: false, description: 'version (v3 or 3) or release id to go back to' }],
  flags: {},
  needsApp: true,
  examples: ['berth releases:rollback', 'berth releases:rollback v3 -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const [identity] = ctx.args;
    let target: ReleaseJson | undefined;
    if (identity === undefined) {
      const recent = await ctx.api.page<ReleaseJson>(appPath(app, '/releases'), 'version ..; max=10, order=desc');
      target = recent.filter((r) => r.eligible_for_rollback)[1];
      if (!target) throw new CliError(`No eligible release found for ${app} to roll back to.`, { hint: 'Name one with `berth releases:rollback vN` (see `berth releases`).' });
    } else {
      target = await getRelease(ctx.api, app, identity);
    }
    const created = await ctx.api.post<ReleaseJson>(appPath(app, '/releases'), { release: target.id });
    ctx.print(`Rolling back ${app} to v${target.version}... done, v${created.version}`);
    ctx.note("Rollback affects code and config vars; it doesn't add or remove add-ons.");
    ctx.note(`To undo, run: berth releases:rollback v${created.version - 1}`);
    if (!created.output_stream_url) return;
    ctx.print('Running release command...');
    try {
      const res = await openStream(created.output_stream_url, ctx.ca ? { ca: ctx.ca } : {});
      res.setEncoding('utf8');
      for await (const text of res as AsyncIterable<string>) await writeOut(ctx.io.stdout, text);
    } catch (err) {
      if (!(err instanceof StreamHttpError && err.status === 404)) throw err;
      ctx.note(`The release command is starting; see its output with \`berth logs --ps release -a ${app}\`.`);
    }
  },
};
