import { PlatformError } from '../../core/errors.js';
import type { Route } from '../context.js';
import { readBodyText } from '../body.js';

/**
 * `POST /oauth/token`: where an add-on provider exchanges the `oauth_grant` of a provision request
 * (or its refresh token) for an access token, as it does at Heroku's `id.heroku.com/oauth/token`.
 * The body is a form (`grant_type=authorization_code&code=…&client_secret=…`) or the same as JSON;
 * the client secret is the provider's manifest password.
 */
async function tokenRequest(req: Parameters<Route['handler']>[0]): Promise<Record<string, string | undefined>> {
  const text = await readBodyText(req.req, req.deps.maxBodyBytes);
  const type = req.req.headers['content-type'] ?? '';
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new PlatformError('bad_request', 'Request body is not valid JSON.');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new PlatformError('bad_request', 'Request body must be a JSON object.');
    const body = parsed as Record<string, unknown>;
    const field = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    return { grant_type: field('grant_type'), code: field('code'), refresh_token: field('refresh_token'), client_secret: field('client_secret') };
  }
  const form = new URLSearchParams(text);
  const field = (name: string) => form.get(name) ?? undefined;
  return { grant_type: field('grant_type'), code: field('code'), refresh_token: field('refresh_token'), client_secret: field('client_secret') };
}

export const partnerOauthRoutes: Route[] = [
  {
    method: 'POST',
    path: '/oauth/token',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const body = await tokenRequest(ctx);
      const granted = await ctx.deps.partners.tokens.exchange({
        grantType: body.grant_type ?? '',
        code: body.code,
        refreshToken: body.refresh_token,
        clientSecret: body.client_secret,
      });
      return {
        status: 200,
        headers: { 'Cache-Control': 'no-store' },
        body: { access_token: granted.accessToken, refresh_token: granted.refreshToken, expires_in: granted.expiresIn, token_type: 'Bearer' },
      };
    },
  },
];
