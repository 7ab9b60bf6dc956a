import { latestVersion } from '../addon-lookup.js';
import type { AttachmentJson } from '../addon-types.js';
import { jsonFlag, type Command } from '../command.js';

export const addonsAttach: Command = {
  name: 'addons:attach',
  summary: 'attach an existing add-on to an app (shares it: sets its config vars there, makes a release)',
  usage: 'addons:attach ADDON [--as NAME] [-a APP] [--json]',
  args: [{ name: 'ADDON', required: true, description: 'the add-on name or id (from `berth addons` on its app)' }],
  flags: { as: { type: 'string', value: 'NAME', description: 'attachment name: the config var becomes NAME_URL' }, json: jsonFlag },
  needsApp: true,
  examples: ['berth addons:attach postgresql-curved-12345 -a my-worker', 'berth addons:attach postgresql-curved-12345 --as SHARED_DB'],
  async run(ctx) {
    const app = ctx.app();
    const as = ctx.string('as');
    const attachment = await ctx.api.post<AttachmentJson>('/addon-attachments', { addon: ctx.args[0], app, ...(as !== undefined ? { name: as } : {}) });
    if (ctx.bool('json')) return void ctx.printJson(attachment);
    ctx.print(`Attaching ${attachment.addon.name} as ${attachment.name} to ${app}... done`);
    ctx.print(`Setting ${attachment.config_vars.join(', ') || attachment.name} config vars and restarting ${app}... done, v${await latestVersion(ctx, app)}`);
  },
};
