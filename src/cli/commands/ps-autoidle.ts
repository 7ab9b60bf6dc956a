import { AUTOIDLE_FEATURE } from '../../core/app-features.js';
import { appPath } from '../api-client.js';
import type { AppFeatureJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';

/**
 * `berth ps:autoidle [on|off]`: the app's web dynos idle after the instance's idle period without
 * a request (eco dynos always do) and wake on the next one. Stored as the `autoidle` app feature.
 */
export const psAutoidle: Command = {
  name: 'ps:autoidle',
  summary: "idle an app's web dynos when unused (on, off, or show)",
  description:
    'With autoidle on, the web dynos stop after a quiet spell (30 minutes unless `bin/berth up\n--idle-after` says otherwise) and cost no memory; the next request wakes them and waits for one\nto come up (H20 if the wake fails). Eco web dynos always idle. `berth ps` shows idled dynos as idle.',
  usage: 'ps:autoidle [on|off] [-a APP] [--json]',
  args: [{ name: 'SETTING', required: false, description: 'on or off; without it, shows the setting' }],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth ps:autoidle on', 'berth ps:autoidle off -a my-app', 'berth ps:autoidle'],
  async run(ctx) {
    const app = ctx.app();
    const setting = ctx.args[0];
    if (setting !== undefined && setting !== 'on' && setting !== 'off') {
      throw new CliError(`ps:autoidle takes on or off, not ${JSON.stringify(setting)}.`, { hint: 'For example: berth ps:autoidle on' });
    }
    const path = appPath(app, `/features/${AUTOIDLE_FEATURE}`);
    const feature = setting === undefined ? await ctx.api.get<AppFeatureJson>(path) : await ctx.api.patch<AppFeatureJson>(path, { enabled: setting === 'on' });
    if (ctx.bool('json')) return void ctx.printJson({ app, autoidle: feature.enabled });
    if (setting === undefined) ctx.print(`Autoidle is ${feature.enabled ? 'on' : 'off'} for ${app}.`);
    else ctx.print(`Autoidle ${setting} for ${app}: its web dynos ${setting === 'on' ? 'idle when unused and wake on the next request' : 'run all the time'}.`);
  },
};
