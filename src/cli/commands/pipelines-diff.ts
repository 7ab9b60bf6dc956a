import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import { appPath } from '../api-client.js';
import type { PipelineDiffJson } from '../pipeline-types.js';

const short = (sha: string | null) => (sha ? sha.slice(0, 7) : 'none');

export const pipelinesDiff: Command = {
  name: 'pipelines:diff',
  summary: 'show the commits the app has that the next stage does not',
  description:
    "Compares the commit of the app's current slug with each app of the next stage, from the\n" +
    "apps' own git repositories on Berth (the official CLI asks GitHub instead).",
  usage: 'pipelines:diff -a APP [--json]',
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth pipelines:diff -a shop-staging', 'berth pipelines:diff -a shop-dev --json'],
  async run(ctx) {
    const app = ctx.app();
    const diff = await ctx.api.get<PipelineDiffJson>(appPath(app, '/pipeline-diff'));
    if (ctx.bool('json')) return void ctx.printJson(diff);
    if (diff.downstream.length === 0) return void ctx.note(`There are no apps in the ${diff.downstream_stage} stage to compare ${app} with.`);
    const c = ctx.colours.out;
    for (const target of diff.downstream) {
      const other = target.app.name;
      if (target.status === 'no_release') ctx.print(`${app} was not compared to ${other}: ${other} has no release yet.`);
      else if (target.status === 'identical') ctx.print(`${app} is up to date with ${other}.`);
      else if (target.status === 'unknown') ctx.print(`${app} (${short(diff.commit)}) was not compared to ${other} (${short(target.commit)}): Berth's repositories do not hold both commits.`);
      else if (target.status === 'behind') ctx.print(`${app} is behind ${other} by ${target.behind_by} commit${target.behind_by === 1 ? '' : 's'}.`);
      else {
        ctx.print(c.bold(`=== ${app} is ahead of ${other} by ${target.ahead_by} commit${target.ahead_by === 1 ? '' : 's'}`));
        const rows = [...target.commits].reverse().map((commit) => [commit.sha.slice(0, 7), commit.date, commit.author, commit.message]);
        for (const line of formatTable([['SHA', 'Date', 'Author', 'Message'], ...rows])) ctx.print(line);
      }
    }
  },
};
