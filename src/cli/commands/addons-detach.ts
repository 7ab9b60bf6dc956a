import { appPath } from '../api-client.js';
import { latestVersion } from '../addon-lookup.js';
import type { AttachmentJson } from '../addon-types.js';
import type { Command } from '../command.js';

export const addonsDetach: Command = {
  name: 'addons:detach',
  summary: 'detach an add-on from an app (unsets its config vars, makes a release; the add-on stays)',
  usage: 'addons:detach ATTACHMENT [-a APP]',
  args: [{ name: 'ATTACHMENT', required: true, description: 'the attachment name on the app, e.g. DATABASE or HEROKU_POSTGRESQL_AMBER' }],
  flags: {},
  needsApp: true,
  examples: ['berth addons:detach SHARED_DB -a my-worker', 'berth addons:detach HEROKU_POSTGRESQL_AMBER'],
  async run(ctx) {
    const app = ctx.app();
    const attachment = await ctx.api.get<AttachmentJson>(appPath(app, `/addon-attachments/${encodeURIComponent(ctx.args[0] as string)}`));
    await ctx.api.delete(`/addon-attachments/${attachment.id}`);
    ctx.print(`Detaching ${attachment.name} of ${attachment.addon.name} from ${app}... done`);
    ctx.print(`Unsetting ${attachment.config_vars.join(', ') || attachment.name} config vars and restarting ${app}... done, v${await latestVersion(ctx, app)}`);
  },
};
