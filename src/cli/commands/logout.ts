import { ApiClient, ApiError } from '../api-client.js';
import type { Command } from '../command.js';
import { findCredential, normalizeApiUrl, withoutCredential } from '../credentials.js';
import { forgetGitHost } from '../git-access.js';
import { explain } from '../report-error.js';
import { trustedCas } from '../tls-trust.js';

export const logout: Command = {
  name: 'logout',
  aliases: ['auth:logout'],
  summary: 'revoke the saved API key and forget it',
  usage: 'logout [--api-url URL]',
  flags: {
    'api-url': { type: 'string', value: 'URL', description: 'Berth API to log out of (default: BERTH_API_URL, else the saved login)' },
  },
  examples: ['berth logout', 'berth logout --api-url https://berth.example.com:5443'],
  async run(ctx) {
    const flagUrl = ctx.string('api-url');
    const apiUrl = flagUrl === undefined ? ctx.apiUrl : normalizeApiUrl(flagUrl);
    const saved = await ctx.credentials.read();
    const entry = findCredential(saved, apiUrl);
    if (!entry) {
      ctx.print(`Not logged in to ${apiUrl}`);
      return 0;
    }
    if (entry.authorization_id) {
      try {
        const ca = await trustedCas(ctx.io.env, entry);
        await new ApiClient(apiUrl, entry.token, ca === undefined ? {} : { ca }).delete(`/oauth/authorizations/${encodeURIComponent(entry.authorization_id)}`);
      } catch (err) {
        if (!(err instanceof ApiError && (err.status === 401 || err.status === 404))) {
          ctx.note(`Warning: could not revoke API key ${entry.authorization_id} on the server: ${explain(err).message}`);
          ctx.note('It stays valid until revoked; it is forgotten here anyway.');
        }
      }
    }
    const remaining = withoutCredential(saved, apiUrl);
    await ctx.credentials.write(remaining);
    ctx.print('Logged out');
    if (await forgetGitHost(ctx.io.env, entry, remaining)) ctx.print(`git: removed the credential helper and CA for ${entry.git_url_prefix}`);
    return 0;
  },
};
