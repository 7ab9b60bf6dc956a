import type { Command } from '../command.js';
import { toggleFeature } from '../feature-toggle.js';

export const featuresDisable: Command = {
  name: 'features:disable',
  summary: 'turn an app feature off, e.g. force-https',
  usage: 'features:disable FEATURE [-a APP]',
  args: [{ name: 'FEATURE', required: true, description: 'the feature, e.g. force-https or hsts (see `berth features`)' }],
  flags: {},
  needsApp: true,
  examples: ['berth features:disable force-https', 'berth features:disable force-https -a my-app'],
  run: (ctx) => toggleFeature(ctx, false),
};
