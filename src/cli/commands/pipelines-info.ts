import { jsonFlag, type Command } from '../command.js';
import { formatTable } from '../format.js';
import { pipelineApps, pipelinePath, type PipelineJson } from '../pipeline-types.js';

export const pipelinesInfo: Command = {
  name: 'pipelines:info',
  summary: "show a pipeline's apps by stage",
  usage: 'pipelines:info PIPELINE [--json]',
  args: [{ name: 'PIPELINE', required: true, description: 'pipeline name or id' }],
  flags: { json: jsonFlag },
  examples: ['berth pipelines:info shop', 'berth pipelines:info shop --json'],
  async run(ctx) {
    const pipeline = await ctx.api.get<PipelineJson>(pipelinePath(ctx.args[0] as string));
    const apps = await pipelineApps(ctx.api, pipeline.id);
    if (ctx.bool('json')) return void ctx.printJson({ pipeline, apps: apps.map((a) => ({ ...a.app, pipelineCoupling: a.coupling })) });
    ctx.print(ctx.colours.out.bold(`=== ${pipeline.name}`));
    if (apps.length === 0) return void ctx.note(`${pipeline.name} has no apps yet: add one with \`berth pipelines:add ${pipeline.name} -a APP\`.`);
    ctx.print('');
    for (const line of formatTable([['app name', 'stage'], ...apps.map((a) => [a.app.name, a.stage])])) ctx.print(line);
  },
};
