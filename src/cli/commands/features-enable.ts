import type { Command } from '../command.js';
import { toggleFeature } from '../feature-toggle.js';

export const featuresEnable: Command = {
  name: 'features:enable',
  summary: 'turn an app feature on, e.g. force-https (redirect HTTP to HTTPS) or hsts',
  usage: 'features:enable FEATURE [-a APP]',
  args: [{ name: 'FEATURE', required: true, description: 'the feature, e.g. force-https or hsts (see `berth features`)' }],
  flags: {},
  needsApp: true,
  examples: ['berth features:enable force-https', 'berth features:enable force-https -a my-app'],
  run: (ctx) => toggleFeature(ctx, true),
};
