/** `berth keys`: the account's SSH keys, shortened as Heroku's CLI prints them, with their fingerprints. */
import { jsonFlag, type Command } from '../command.js';
import { shortKey, type SshKeyJson } from '../ssh-key-types.js';

export const keys: Command = {
  name: 'keys',
  summary: 'list your SSH keys (git over SSH authenticates with them)',
  usage: 'keys [-l] [--json]',
  flags: {
    long: { type: 'boolean', short: 'l', description: 'print the whole public keys' },
    json: jsonFlag,
  },
  examples: ['berth keys', 'berth keys --long'],
  async run(ctx) {
    const list = await ctx.api.list<SshKeyJson>('/account/keys');
    if (ctx.bool('json')) return void ctx.printJson(list);
    if (list.length === 0) return void ctx.note('You have no SSH keys. Add one with `berth keys:add` (it uploads ~/.ssh/id_ed25519.pub).');
    const me = await ctx.api.get<{ email: string }>('/account');
    ctx.print(ctx.colours.out.bold(`=== ${me.email} keys`));
    for (const key of list) ctx.print(ctx.bool('long') ? key.public_key : `${shortKey(key)}  ${key.fingerprint}`);
  },
};
