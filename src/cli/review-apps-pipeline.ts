// Which pipeline a reviewapps command acts on: `-p PIPELINE`, or the pipeline of `-a APP`.
import { CliError } from './cli-error.js';
import type { CommandContext } from './command.js';
import { couplingOf } from './pipeline-types.js';

export async function reviewAppsPipeline(ctx: CommandContext): Promise<string> {
  const named = ctx.string('pipeline');
  if (named) return named;
  const app = ctx.string('app');
  if (!app) throw new CliError('Which pipeline? Give -p PIPELINE, or -a APP for the pipeline the app is in.');
  return (await couplingOf(ctx.api, app)).pipeline.name;
}

export const REVIEW_APPS_FLAGS = {
  pipeline: { type: 'string', short: 'p', value: 'PIPELINE', description: 'the pipeline' },
  app: { type: 'string', short: 'a', value: 'APP', description: 'an app of the pipeline, instead of -p' },
} as const;
