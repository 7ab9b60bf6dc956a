import type { AccountJson } from '../api-types.js';
import { jsonFlag, type Command } from '../command.js';

export const authWhoami: Command = {
  name: 'auth:whoami',
  aliases: ['whoami'],
  summary: 'show the email of the account you are logged in as',
  usage: 'auth:whoami [--json]',
  flags: { json: jsonFlag },
  examples: ['berth auth:whoami', 'berth auth:whoami --json'],
  async run(ctx) {
    const account = await ctx.api.get<AccountJson>('/account');
    if (ctx.bool('json')) ctx.printJson(account);
    else ctx.print(account.email);
  },
};
