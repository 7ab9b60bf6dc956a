import { PlatformError } from '../../core/errors.js';
import type { RequestContext, Route } from '../context.js';
import { serializeAccount } from '../serialize.js';

/**
 * Self-service sign-up (Berth extension): off by default, so only an admin creates accounts
 * (`POST /accounts`) or a team admin invites someone (`PUT /teams/:team/invitations`). An admin
 * turns it on with `PATCH /admin/settings {"signup": true}` (`berth admin:settings --signup on`).
 */

const SIGNUP = 'signup';

const signupAllowed = async (ctx: RequestContext) => (await ctx.deps.store.platformSettings.get(SIGNUP)) === 'on';

async function settingsJson(ctx: RequestContext) {
  return { signup: await signupAllowed(ctx) };
}

export const signupRoutes: Route[] = [
  {
    method: 'GET',
    path: '/admin/settings',
    access: { admin: 'see the platform settings' },
    handler: async (ctx) => ({ status: 200, body: await settingsJson(ctx) }),
  },
  {
    method: 'PATCH',
    path: '/admin/settings',
    access: { admin: 'change the platform settings' },
    async handler(ctx) {
      const body = await ctx.body();
      if (body.signup !== undefined) {
        if (typeof body.signup !== 'boolean') throw new PlatformError('invalid_params', 'signup must be true or false.');
        await ctx.deps.store.platformSettings.set(SIGNUP, body.signup ? 'on' : 'off');
      }
      return { status: 200, body: await settingsJson(ctx) };
    },
  },
  {
    // No API key: anyone may sign up, when an admin allowed it.
    method: 'POST',
    path: '/signup',
    auth: 'none',
    access: 'public',
    throttle: { kind: 'signup', emailField: 'email' },
    async handler(ctx) {
      if (!(await signupAllowed(ctx))) {
        throw new PlatformError('forbidden', 'Self-service sign-up is off on this Berth: ask an admin for an account (berth accounts:create) or a team admin for an invitation link.');
      }
      const body = await ctx.body();
      if (typeof body.email !== 'string') throw new PlatformError('invalid_params', 'email is required, e.g. {"email": "dev@example.com", "password": "…"}.');
      if (typeof body.password !== 'string') throw new PlatformError('invalid_params', 'password is required: choose one (at least the length `berth login` asks for).');
      const { account } = await ctx.deps.accounts.create({ email: body.email, password: body.password, name: typeof body.name === 'string' ? body.name : null });
      return { status: 201, body: serializeAccount(account) };
    },
  },
];
