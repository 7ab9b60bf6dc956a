import { hostname } from 'node:os';
import { ApiClient, ApiError } from '../api-client.js';
import type { AuthorizationJson } from '../api-types.js';
import { CliError, UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { normalizeApiUrl, withCredential } from '../credentials.js';
import { firstLine, prompt, readStdin } from '../prompt.js';

export const login: Command = {
  name: 'login',
  aliases: ['auth:login'],
  summary: 'log in with your email and password and save an API key',
  description:
    'Creates an API key (an OAuth authorization) and saves it in ~/.config/berth/credentials.json\n' +
    '(or $XDG_CONFIG_HOME/berth/), keyed by API URL. On a terminal it asks for what is missing.',
  usage: 'login [--api-url URL] [--email EMAIL] [--password-stdin]',
  flags: {
    'api-url': { type: 'string', value: 'URL', description: 'Berth API to log in to (default: BERTH_API_URL, else http://localhost:5000)' },
    email: { type: 'string', value: 'EMAIL', description: 'your account email' },
    'password-stdin': { type: 'boolean', description: 'read the password from the first line of stdin' },
  },
  examples: [
    'berth login',
    'berth login --api-url https://berth.example.com:5443 --email dev@example.com',
    'cat password.txt | berth login --email dev@example.com --password-stdin',
  ],
  async run(ctx) {
    const saved = await ctx.credentials.read();
    const flagUrl = ctx.string('api-url');
    const apiUrl = flagUrl === undefined ? ctx.apiUrl : normalizeApiUrl(flagUrl);
    const tty = ctx.io.stdin.isTTY === true;
    const email = ctx.string('email') ?? (tty ? (await prompt(ctx.io, 'Email: ', { echo: true })).trim() : undefined);
    if (!email) throw new UsageError('No email: pass --email EMAIL.');
    let password: string;
    if (ctx.bool('password-stdin')) password = firstLine(await readStdin(ctx.io));
    else if (tty) password = await prompt(ctx.io, 'Password: ', { echo: false });
    else throw new UsageError('No terminal to ask for the password on: pipe it in with --password-stdin.');
    if (password === '') throw new UsageError('The password is empty.');

    const body = { description: `berth CLI login from ${hostname()}`, scope: ['global'] };
    let authorization: AuthorizationJson;
    try {
      authorization = await new ApiClient(apiUrl, undefined).post<AuthorizationJson>('/oauth/authorizations', body, {
        basic: { user: email, password },
      });
    } catch (err) {
      if (err instanceof ApiError && err.id === 'unauthorized') {
        throw new CliError(err.message, { hint: `Check the email and password for ${apiUrl}; an admin creates accounts with \`berth accounts:create\`.` });
      }
      throw err;
    }
    const token = authorization.access_token?.token;
    if (!token) throw new CliError(`The API at ${apiUrl} created authorization ${authorization.id} but sent no token.`);
    const entry = { email: authorization.user.email, token, authorization_id: authorization.id };
    await ctx.credentials.write(withCredential(saved, apiUrl, entry));
    ctx.print(`Logged in as ${authorization.user.email}`);
    const envUrl = ctx.io.env.BERTH_API_URL;
    if (envUrl && normalizeApiUrl(envUrl) !== apiUrl) ctx.note(`Note: BERTH_API_URL is set to ${envUrl}, so other commands use that API, not ${apiUrl}.`);
    if (ctx.io.env.BERTH_API_KEY) ctx.note('Note: BERTH_API_KEY is set and is used instead of this login until you unset it.');
    return 0;
  },
};
