import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PlatformError } from '../core/errors.js';
import type { ApiDeps, RequestContext, Route } from './context.js';
import { checkAccept } from './accept.js';
import { authenticate } from './authenticate.js';
import { admit, assertChecked } from './admit.js';
import { AppPolicy } from '../accounts/app-policy.js';
import { readJsonBody } from './body.js';
import { errorReply, send } from './respond.js';
import { LoginThrottle } from './login-throttle.js';
import { DashboardSessions, DEFAULT_SESSION_LIMITS } from '../accounts/dashboard-sessions.js';
import { clearSessionCookie, sessionCookie } from './session-cookie.js';
import { dashboardSessionRoutes } from './resources/dashboard-session.js';
import { RouteThrottles } from './route-throttles.js';
import { RateLimiter } from './rate-limiter.js';
import { RouteMatcher } from './route-matcher.js';
import { createInternalApi } from './internal-api.js';
import { accountRoutes } from './resources/account.js';
import { accountKeyRoutes } from './resources/account-keys.js';
import { adminRoutes } from './resources/admin.js';
import { instanceRoutes } from './resources/instance.js';
import { appRoutes } from './resources/apps.js';
import { metaRoutes } from './resources/meta.js';
import { oauthRoutes } from './resources/oauth.js';
import { oauthSessionRoutes } from './resources/oauth-sessions.js';
import { configVarRoutes } from './resources/config-vars.js';
import { releaseRoutes } from './resources/releases.js';
import { slugRoutes } from './resources/slugs.js';
import { sourceRoutes } from './resources/sources.js';
import { buildRoutes } from './resources/builds.js';
import { appSetupRoutes } from './resources/app-setups.js';
import { reviewAppRoutes } from './resources/review-apps.js';
import { buildpackInstallationRoutes } from './resources/buildpack-installations.js';
import { buildpackRegistryRoutes } from './resources/buildpack-registry.js';
import { formationRoutes } from './resources/formation.js';
import { blobRoutes } from './resources/blobs.js';
import { logRoutes } from './resources/logs.js';
import { addonRoutes } from './resources/addons.js';
import { addonAttachmentRoutes } from './resources/addon-attachments.js';
import { addonServiceRoutes } from './resources/addon-services.js';
import { collaboratorRoutes } from './resources/collaborators.js';
import { appTransferRoutes } from './resources/app-transfers.js';
import { teamRoutes } from './resources/teams.js';
import { signupRoutes } from './resources/signup.js';
import { teamAppRoutes } from './resources/team-apps.js';
import { dynoRoutes } from './resources/dynos.js';
import { metricsRoutes } from './resources/metrics.js';
import { domainRoutes } from './resources/domains.js';
import { sniEndpointRoutes } from './resources/sni-endpoints.js';
import { featureRoutes } from './resources/features.js';
import { acmRoutes } from './resources/acm.js';
import { pgDatabaseRoutes } from './resources/pg-databases.js';
import { pgTransferRoutes } from './resources/pg-transfers.js';
import { pgScheduleRoutes } from './resources/pg-schedules.js';
import { dataCredentialRoutes } from './resources/data-credentials.js';
import { redisDatabaseRoutes } from './resources/redis-databases.js';
import { addonProviderRoutes } from './resources/addon-providers.js';
import { partnerOauthRoutes } from './resources/partner-oauth.js';
import { partnerCallbackRoutes } from './resources/partner-callbacks.js';
import { partnerLogRoutes } from './resources/partner-logs.js';
import { pipelineRoutes } from './resources/pipelines.js';
import { pipelineCouplingRoutes } from './resources/pipeline-couplings.js';
import { pipelinePromotionRoutes } from './resources/pipeline-promotions.js';
import { appFilterRoutes } from './resources/app-filters.js';
import { pipelineDiffRoutes } from './resources/pipeline-diff.js';
import { webhookRoutes } from './resources/webhooks.js';
import { webhookDeliveryRoutes } from './resources/webhook-deliveries.js';
import { schedulerJobRoutes } from './resources/scheduler-jobs.js';

export const apiRoutes: Route[] = [
  ...accountRoutes,
  ...accountKeyRoutes,
  ...dashboardSessionRoutes,
  ...oauthRoutes,
  ...oauthSessionRoutes,
  ...appRoutes,
  ...acmRoutes,
  ...metaRoutes,
  ...configVarRoutes,
  ...releaseRoutes,
  ...slugRoutes,
  ...sourceRoutes,
  ...buildRoutes,
  ...appSetupRoutes,
  ...reviewAppRoutes,
  ...buildpackInstallationRoutes,
  ...buildpackRegistryRoutes,
  ...formationRoutes,
  ...blobRoutes,
  ...logRoutes,
  ...addonRoutes,
  ...addonAttachmentRoutes,
  ...addonServiceRoutes,
  ...collaboratorRoutes,
  ...appTransferRoutes,
  ...teamAppRoutes,
  ...teamRoutes,
  ...signupRoutes,
  ...dynoRoutes,
  ...metricsRoutes,
  ...schedulerJobRoutes,
  ...domainRoutes,
  ...sniEndpointRoutes,
  ...featureRoutes,
  ...pgDatabaseRoutes,
  ...pgTransferRoutes,
  ...pgScheduleRoutes,
  ...dataCredentialRoutes,
  ...redisDatabaseRoutes,
  ...addonProviderRoutes,
  ...partnerOauthRoutes,
  ...partnerCallbackRoutes,
  ...partnerLogRoutes,
  ...pipelineRoutes,
  ...pipelineCouplingRoutes,
  ...pipelinePromotionRoutes,
  ...appFilterRoutes,
  ...pipelineDiffRoutes,
  ...webhookRoutes,
  ...webhookDeliveryRoutes,
  ...adminRoutes,
  ...instanceRoutes,
];

/** A request target `new URL` refuses (e.g. `//[`) is the client's mistake: 400, not 500. */
function parseTarget(target: string): URL {
  try {
    return new URL(target, 'http://api.invalid');
  } catch {
    throw new PlatformError('bad_request', `The request target ${JSON.stringify(target)} is not a valid path.`);
  }
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse) => void;

/** The Platform API as a plain node:http request handler. */
export function createApiHandler(deps: ApiDeps, routes: Route[] = apiRoutes): ApiHandler {
  const table = new RouteMatcher(routes);
  const limiter = new RateLimiter(deps.rateLimitPerHour, deps.now);
  const policy = new AppPolicy(deps.store);
  const internal = createInternalApi(table, deps, policy);
  const logins = new LoginThrottle(deps.loginFailureLimit ?? { perClient: 30, perEmail: 10 }, () => deps.now().getTime());
  const sessions = new DashboardSessions(deps.store, deps.now, deps.sessionLimits ?? DEFAULT_SESSION_LIMITS);
  const throttles = new RouteThrottles(deps.throttleLimits ?? {}, () => deps.now().getTime());

  async function handle(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const url = parseTarget(req.url ?? '/');
    checkAccept(req.headers.accept);
    const method = req.method ?? 'GET';
    const found = table.match(method, url.pathname);
    if (!found) {
      throw new PlatformError('not_found', `The requested API endpoint was not found. Are you using the right HTTP verb (${method}) and path (${url.pathname})?`);
    }
    if ('allowed' in found) {
      throw new PlatformError('not_found', `${method} is not supported on ${url.pathname}; use ${found.allowed.join(' or ')}.`);
    }
    const auth = await authenticate(req, found.route.auth ?? 'key', deps, logins, sessions);
    if (auth) {
      const remaining = limiter.take(auth.account.id);
      res.setHeader('RateLimit-Remaining', String(Math.max(0, remaining)));
      if (remaining < 0) throw new PlatformError('rate_limit', `Your account reached the API rate limit of ${deps.rateLimitPerHour} requests per hour. Try again later.`);
    }
    const access = await admit(found.route, found.params, auth?.account, policy);
    let bodyPromise: Promise<Record<string, unknown>> | undefined;
    const ctx: RequestContext = {
      req,
      res,
      requestId,
      url,
      params: found.params,
      deps,
      internal,
      account: auth?.account as RequestContext['account'],
      authorization: auth?.authorization,
      ...(auth?.session ? { session: auth.session } : {}),
      dashboard: { sessions, logins },
      access,
      body: () => (bodyPromise ??= readJsonBody(req, deps.maxBodyBytes, deps.bodyDeadlineMs)),
    };
    if (found.route.throttle) await throttles.admit(found.route.throttle, req.socket.remoteAddress ?? 'unknown', ctx.body);
    const reply = await found.route.handler(ctx);
    assertChecked(found.route, access, reply);
    send(res, reply, req.headers['accept-encoding']);
  }

  return (req, res) => {
    const requestId = randomUUID();
    res.setHeader('Request-Id', requestId);
    handle(req, res, requestId).catch((err: unknown) => {
      const reply = errorReply(err);
      if (reply.internal) {
        deps.log({ at: 'error', request_id: requestId, method: req.method, path: req.url?.split('?')[0], error: err instanceof Error ? err.stack : String(err) });
      }
      // A refused body may still be arriving: close the connection after answering.
      if (reply.status === 413 || reply.status === 408) res.setHeader('Connection', 'close');
      // A dead session cookie is cleared, so the browser stops sending it.
      if (reply.status === 401 && req.headers.authorization === undefined && sessionCookie(req) !== undefined && !res.headersSent) res.setHeader('Set-Cookie', clearSessionCookie(req));
      send(res, reply, req.headers['accept-encoding']);
    });
  };
}
