import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { chooseApiKey } from '../credentials.js';

export const authToken: Command = {
  name: 'auth:token',
  summary: 'print the API key in use (BERTH_API_KEY, else the saved login)',
  usage: 'auth:token',
  flags: {},
  examples: ['berth auth:token', 'curl -H "Authorization: Bearer $(berth auth:token)" http://localhost:5000/account'],
  async run(ctx) {
    const key = chooseApiKey(ctx.io.env, await ctx.credentials.read(), ctx.apiUrl);
    if (!key) throw new CliError(`Not logged in to ${ctx.apiUrl}.`, { hint: 'Run `berth login`, or set BERTH_API_KEY.' });
    ctx.print(key.key);
  },
};
