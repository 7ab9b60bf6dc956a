import { ApiClient } from '../api-client.js';
import type { AccountJson } from '../api-types.js';
import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { normalizeApiUrl } from '../credentials.js';
import { firstLine, prompt, readStdin } from '../prompt.js';

export const signup: Command = {
  name: 'signup',
  summary: 'create your own account, when the admin allowed self-service sign-up (then `berth login`)',
  usage: 'signup --email EMAIL [--password-stdin] [--api-url URL]',
  flags: {
    email: { type: 'string', value: 'EMAIL', description: 'your email' },
    'password-stdin': { type: 'boolean', description: 'read the password from the first line of stdin' },
    'api-url': { type: 'string', value: 'URL', description: 'the Berth API (default: BERTH_API_URL or the one you logged in to)' },
  },
  examples: ['berth signup --email dev@example.com', 'echo "$PASSWORD" | berth signup --email dev@example.com --password-stdin'],
  async run(ctx) {
    const email = ctx.string('email');
    if (!email) throw new UsageError('No email: pass --email EMAIL.');
    let password: string;
    if (ctx.bool('password-stdin')) password = firstLine(await readStdin(ctx.io));
    else if (ctx.io.stdin.isTTY === true) password = await prompt(ctx.io, 'Password: ', { echo: false });
    else throw new UsageError('No terminal to ask for the password on: pipe it in with --password-stdin.');
    const flagUrl = ctx.string('api-url');
    const apiUrl = flagUrl === undefined ? ctx.apiUrl : normalizeApiUrl(flagUrl);
    // No account yet: the sign-up route ignores the Authorization header.
    const account = await new ApiClient(apiUrl, 'signup').post<AccountJson>('/signup', { email, password });
    ctx.print(`Creating account ${account.email}... done`);
    ctx.note(`Log in with \`berth login --email ${account.email}\`.`);
  },
};
