// The dashboard's login: `POST /dashboard/session` (email + password, or an API key) sets the
// `berth_session` cookie; `GET` tells the page who it is and its CSRF token; `DELETE` logs out.
// A Berth extension: Heroku's dashboard logs in through its own identity service.
import { PlatformError } from '../../core/errors.js';
import type { LiveSession } from '../../accounts/dashboard-sessions.js';
import type { RequestContext, Route } from '../context.js';
import { loginsThrottled } from '../authenticate.js';
import { assertSameOrigin, clearSessionCookie, setSessionCookie } from '../session-cookie.js';

const NO_SESSION = 'No dashboard session: log in with POST /dashboard/session ({"email","password"} or {"api_key"}).';
const BAD_KEY = 'Invalid credentials provided: the API key is unknown, expired or revoked.';

const sessionBody = (live: LiveSession) => ({ email: live.account.email, id: live.account.id, csrf_token: live.csrfToken, idle_expires_in: live.idleExpiresIn });

function gate(ctx: RequestContext): NonNullable<RequestContext['dashboard']> {
  if (!ctx.dashboard) throw new Error('dashboard sessions are only served over HTTP');
  return ctx.dashboard;
}

function ownSession(ctx: RequestContext): LiveSession {
  if (!ctx.session) throw new PlatformError('unauthorized', NO_SESSION);
  return ctx.session;
}

/** Email + password through the failed-login throttle; the same 401 whether the email exists or not. */
async function passwordLogin(ctx: RequestContext, email: string, password: unknown) {
  const { logins } = gate(ctx);
  const client = ctx.req.socket.remoteAddress ?? 'unknown';
  const wait = logins.blockedFor(client, email);
  if (wait > 0) throw loginsThrottled(wait);
  try {
    return await ctx.deps.accounts.login(email, typeof password === 'string' ? password : '');
  } catch (err) {
    if (err instanceof PlatformError && err.id === 'unauthorized') logins.recordFailure(client, email);
    throw err;
  }
}

export const dashboardSessionRoutes: Route[] = [
  {
    method: 'POST',
    path: '/dashboard/session',
    auth: 'none',
    // The credentials are in the body: checked here, through the same throttle as Basic logins.
    access: 'public',
    async handler(ctx) {
      assertSameOrigin(ctx.req);
      const body = await ctx.body();
      const { sessions } = gate(ctx);
      let opened;
      if (typeof body.api_key === 'string' && body.email === undefined) {
        const byKey = await ctx.deps.accounts.authenticate(body.api_key);
        if (!byKey) throw new PlatformError('unauthorized', BAD_KEY);
        opened = await sessions.open(byKey.account, byKey.authorization);
      } else if (typeof body.email === 'string' && body.email !== '' && body.api_key === undefined) {
        opened = await sessions.open(await passwordLogin(ctx, body.email, body.password));
      } else {
        throw new PlatformError('invalid_params', 'Send {"email": "...", "password": "..."} or {"api_key": "..."}.');
      }
      const maxAge = Math.floor(sessions.limits.absoluteMs / 1000);
      return { status: 201, body: sessionBody(opened.live), headers: { 'Set-Cookie': setSessionCookie(ctx.req, opened.token, maxAge), 'Cache-Control': 'no-store' } };
    },
  },
  {
    method: 'GET',
    path: '/dashboard/session',
    access: 'account',
    handler: async (ctx) => ({ status: 200, body: sessionBody(ownSession(ctx)), headers: { 'Cache-Control': 'no-store' } }),
  },
  {
    method: 'DELETE',
    path: '/dashboard/session',
    access: 'account',
    async handler(ctx) {
      const live = ownSession(ctx);
      await ctx.deps.store.dashboardSessions.delete(live.session.id);
      return { status: 204, headers: { 'Set-Cookie': clearSessionCookie(ctx.req) } };
    },
  },
];
