import { appPath } from '../api-client.js';
import type { ConfigVarsJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';
import { formatKeyValues } from '../format.js';
import { getRelease, latestRelease } from '../release-lookup.js';
import { releaseStatusNote } from './releases.js';

export const releasesInfo: Command = {
  name: 'releases:info',
  summary: 'show one release (default: the newest) and the names of its config vars',
  usage: 'releases:info [RELEASE] [-a APP] [--json]',
  args: [{ name: 'RELEASE', required: false, description: 'version (v3 or 3) or release id; the newest when left out' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth releases:info', 'berth releases:info v3', 'berth releases:info 3 --json'],
  async run(ctx) {
    const app = ctx.app();
    const [identity] = ctx.args;
    const release = identity === undefined ? await latestRelease(ctx.api, app) : await getRelease(ctx.api, app, identity);
    if (ctx.bool('json')) return void ctx.printJson(release);
    const config = await ctx.api.get<ConfigVarsJson>(appPath(app, `/releases/${release.version}/config-vars`));
    const c = ctx.colours.out;
    const note = releaseStatusNote(release.status);
    ctx.print(c.bold(`=== Release v${release.version}`));
    const pairs: [string, string][] = [
      ['Add-ons', release.addon_plan_names.join(', ')],
      ['By', release.user.email],
      ['Change', note ? `${release.description} (${note})` : release.description],
      ['Current', release.current ? 'Yes' : 'No'],
      ['Eligible for Rollback?', release.eligible_for_rollback ? 'Yes' : 'No'],
      ['Status', release.status],
      ['When', release.created_at],
    ];
    for (const line of formatKeyValues(pairs)) ctx.print(line);
    ctx.print();
    ctx.print(c.bold(`=== v${release.version} Config vars`));
    const names = Object.keys(config).sort();
    if (names.length === 0) ctx.print('(none)');
    for (const name of names) ctx.print(name);
  },
};
