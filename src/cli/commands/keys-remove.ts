/** `berth keys:remove KEY`: remove SSH keys by comment (as Heroku does), id or fingerprint. */
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import type { SshKeyJson } from '../ssh-key-types.js';

export const keysRemove: Command = {
  name: 'keys:remove',
  summary: 'remove an SSH key from your account (by comment, as Heroku does, or by id or fingerprint)',
  usage: 'keys:remove KEY',
  args: [{ name: 'KEY', required: true, description: "the key's comment (e.g. dev@laptop: every key with it goes), id or fingerprint" }],
  flags: {},
  examples: ['berth keys:remove dev@laptop', 'berth keys:remove 93:d2:b8:84:05:41:d8:95:40:50:80:ad:4d:61:86:04'],
  async run(ctx) {
    const wanted = ctx.args[0] as string;
    const list = await ctx.api.list<SshKeyJson>('/account/keys');
    if (list.length === 0) throw new CliError('You have no SSH keys.');
    const exact = list.filter((k) => k.id === wanted || k.fingerprint === wanted);
    const chosen = exact.length > 0 ? exact : list.filter((k) => k.comment === wanted || (!k.comment && k.email === wanted));
    if (chosen.length === 0) {
      throw new CliError(`No SSH key ${wanted} on your account.`, { hint: `Your keys: ${list.map((k) => `${k.comment || k.email} (${k.fingerprint})`).join(', ')}.` });
    }
    for (const key of chosen) await ctx.api.delete(`/account/keys/${encodeURIComponent(key.id)}`);
    ctx.print(`Removing ${wanted} SSH key${chosen.length > 1 ? `s (${chosen.length})` : ''}... done`);
  },
};
