import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { ApiClient, ApiError } from '../api-client.js';
import type { AuthorizationJson } from '../api-types.js';
import { CliError, UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { normalizeApiUrl, withCredential, type Credential } from '../credentials.js';
import { configureGitHost, gitSetupMessage, learnGitHost } from '../git-access.js';
import { trustedCas } from '../tls-trust.js';
import { firstLine, prompt, readStdin } from '../prompt.js';

export const login: Command = {
  name: 'login',
  aliases: ['auth:login'],
  summary: 'log in with your email and password and save an API key',
  description:
    'Creates an API key (an OAuth authorization) and saves it in ~/.config/berth/credentials.json\n' +
    '(or $XDG_CONFIG_HOME/berth/), keyed by API URL. On a terminal it asks for what is missing.\n' +
    'It then sets up git for this install\'s git host only (in ~/.gitconfig): `berth git:credentials`\n' +
    'as its credential helper and, when the install uses its own CA, that CA (saved beside the\n' +
    'credentials, also trusted by this CLI), so `git push berth main` needs nothing else.',
  usage: 'login [--api-url URL] [--email EMAIL] [--password-stdin] [--ca-file FILE]',
  flags: {
    'api-url': { type: 'string', value: 'URL', description: 'Berth API to log in to (default: BERTH_API_URL, else http://localhost:5000)' },
    email: { type: 'string', value: 'EMAIL', description: 'your account email' },
    'password-stdin': { type: 'boolean', description: 'read the password from the first line of stdin' },
    'ca-file': { type: 'string', value: 'FILE', description: "trust this CA for an https API URL (the install's tls/ca.crt); saved with the login" },
  },
  examples: [
    'berth login',
    'berth login --api-url https://berth.example.com:5443 --email dev@example.com',
    'cat password.txt | berth login --email dev@example.com --password-stdin',
  ],
  async run(ctx) {
    const saved = await ctx.credentials.read();
    const caFileFlag = ctx.string('ca-file') === undefined ? undefined : resolve(ctx.io.cwd, ctx.string('ca-file') as string);
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

    const ca = await trustedCas(ctx.io.env, caFileFlag === undefined ? undefined : { email, token: '', authorization_id: '', ca_file: caFileFlag });
    const body = { description: `berth CLI login from ${hostname()}`, scope: ['global'] };
    let authorization: AuthorizationJson;
    try {
      authorization = await new ApiClient(apiUrl, undefined, ca === undefined ? {} : { ca }).post<AuthorizationJson>('/oauth/authorizations', body, {
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
    let entry: Credential = { email: authorization.user.email, token, authorization_id: authorization.id, ...(caFileFlag === undefined ? {} : { ca_file: caFileFlag }) };
    await ctx.credentials.write(withCredential(saved, apiUrl, entry));
    ctx.print(`Logged in as ${authorization.user.email}`);
    const learned = await learnGitHost(new ApiClient(apiUrl, token, ca === undefined ? {} : { ca }), ctx.credentials.path, entry);
    if (learned === undefined) {
      ctx.note(`Note: the API at ${apiUrl} does not say where its git host is; git is not set up (push with your API key as the password).`);
    } else {
      entry = learned;
      await ctx.credentials.write(withCredential(saved, apiUrl, entry));
      try {
        await configureGitHost(ctx.io.env, entry);
        ctx.print(gitSetupMessage(entry));
      } catch (err) {
        if (!(err instanceof CliError)) throw err;
        ctx.note(`Warning: logged in, but git is not set up for ${entry.git_url_prefix}: ${err.message}`);
      }
      if (entry.ca_file !== undefined && ctx.io.env.GIT_SSL_CAINFO) ctx.note(`Note: GIT_SSL_CAINFO is set to ${ctx.io.env.GIT_SSL_CAINFO}; it overrides the CA set up for ${entry.git_url_prefix}: unset it before \`git push\`.`);
    }
    const envUrl = ctx.io.env.BERTH_API_URL;
    if (envUrl && normalizeApiUrl(envUrl) !== apiUrl) ctx.note(`Note: BERTH_API_URL is set to ${envUrl}, so other commands use that API, not ${apiUrl}.`);
    if (ctx.io.env.BERTH_API_KEY) ctx.note('Note: BERTH_API_KEY is set and is used instead of this login until you unset it.');
    return 0;
  },
};
