import { parseLogplexFrames } from '../../core/logplex-frames.js';
import { escapeControlCharacters } from '../../core/log-line.js';
import { PlatformError } from '../../core/errors.js';
import { parseAuthorization } from '../authenticate.js';
import { readBodyText } from '../body.js';
import type { Route } from '../context.js';

/** Lines one request may write; longer bodies are refused, not truncated silently. */
const MAX_FRAMES = 500;
const PROC_ID = /^[A-Za-z0-9._-]{1,48}$/;

/**
 * `POST /addons/:id/logs`: the add-on's `log_input_url` (handed to its provider with the
 * provision request, Basic `token:<secret>`). Each logplex frame becomes a line in the log of
 * every app the add-on is attached to, as `app[PROCID]` (the add-on's service when PROCID is
 * unusable), control characters escaped.
 */
export const partnerLogRoutes: Route[] = [
  {
    method: 'POST',
    path: '/addons/:id/logs',
    access: 'public',
    auth: 'none',
    async handler(ctx) {
      const credentials = parseAuthorization(ctx.req.headers.authorization);
      if (credentials?.kind !== 'basic') throw new PlatformError('unauthorized', 'Authentication required: use the log_input_url of the provision request as given (Basic token:<secret>).');
      const caller = await ctx.deps.partners.tokens.authenticateLog(credentials.password);
      if (!caller) throw new PlatformError('unauthorized', 'Invalid credentials provided: the log input token is unknown or revoked.');
      const id = ctx.params.id as string;
      if (caller.addonId !== id) throw new PlatformError('forbidden', 'This log input token belongs to another add-on.');
      const addon = await ctx.deps.store.addons.findById(id);
      if (!addon || addon.service !== caller.providerId || addon.state === 'deprovisioned') throw new PlatformError('not_found', `Couldn't find that add-on: ${id}.`);
      const parsed = parseLogplexFrames(await readBodyText(ctx.req, ctx.deps.maxBodyBytes), MAX_FRAMES);
      if (!parsed.ok) throw new PlatformError('invalid_params', `Log frames refused: ${parsed.reason}. Send application/logplex-1 (octet-counted RFC 5424).`);
      const apps = (await ctx.deps.store.addonAttachments.listForAddon(id)).map((a) => a.appId);
      for (const frame of parsed.frames) {
        const process = PROC_ID.test(frame.procId) ? frame.procId : addon.service;
        for (const appId of new Set(apps)) ctx.deps.logs.emit(appId, process, escapeControlCharacters(frame.message));
      }
      return { status: 204 };
    },
  },
];
