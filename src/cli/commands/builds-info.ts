import { jsonFlag, type Command } from '../command.js';
import { findBuild } from '../build-lookup.js';
import { formatKeyValues } from '../format.js';

export const buildsInfo: Command = {
  name: 'builds:info',
  summary: 'show one build (default: the newest)',
  usage: 'builds:info [ID] [-a APP] [--json]',
  args: [{ name: 'ID', required: false, description: 'build id; the newest build when left out' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth builds:info', 'berth builds:info 01234567-89ab-cdef-0123-456789abcdef --json'],
  async run(ctx) {
    const build = await findBuild(ctx.api, ctx.app(), ctx.args[0]);
    if (ctx.bool('json')) return void ctx.printJson(build);
    ctx.print(ctx.colours.out.bold(`=== Build ${build.id}`));
    const pairs: [string, string][] = [
      ['Status', build.status],
      ['By', build.user.email],
      ['Created', build.created_at],
      ['Updated', build.updated_at],
      ['Version', build.source_blob.version ?? ''],
      ['Stack', build.stack],
      ['Buildpacks', build.buildpacks.map((b) => b.url).join(', ') || '(detected)'],
      ['Slug', build.slug?.id ?? ''],
      ['Release', build.release?.id ?? ''],
    ];
    if (build.error_message) pairs.push(['Error', build.error_message]);
    for (const line of formatKeyValues(pairs)) ctx.print(line);
  },
};
