import type { Command } from '../command.js';
import { toggleFeature } from '../feature-toggle.js';

export const labsDisable: Command = {
  name: 'labs:disable',
  summary: 'turn an experimental feature off',
  usage: 'labs:disable FEATURE [-a APP]',
  args: [{ name: 'FEATURE', required: true, description: 'the feature, e.g. log-runtime-metrics (see `berth labs`)' }],
  flags: {},
  needsApp: true,
  examples: ['berth labs:disable log-runtime-metrics', 'berth labs:disable log-runtime-metrics -a my-app'],
  run: (ctx) => toggleFeature(ctx, false),
};
