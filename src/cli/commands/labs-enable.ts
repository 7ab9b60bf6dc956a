import type { Command } from '../command.js';
import { toggleFeature } from '../feature-toggle.js';

export const labsEnable: Command = {
  name: 'labs:enable',
  summary: 'turn an experimental feature on, e.g. log-runtime-metrics',
  usage: 'labs:enable FEATURE [-a APP]',
  args: [{ name: 'FEATURE', required: true, description: 'the feature, e.g. log-runtime-metrics (see `berth labs`)' }],
  flags: {},
  needsApp: true,
  examples: ['berth labs:enable log-runtime-metrics', 'berth labs:enable log-runtime-metrics -a my-app'],
  run: (ctx) => toggleFeature(ctx, true),
};
