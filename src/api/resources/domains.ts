import { validateCustomHostname } from '../../core/custom-domain.js';
import { notFound, PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { AcmeCertificate, Domain, SniEndpoint } from '../../store/port.js';
import { isUuid, routeApp } from '../app-access.js';
import { stableId } from '../certificate-bundle.js';
import type { RequestContext, Route } from '../context.js';
import { appHostname, berthDomain, endpointFromBody } from '../custom-domain-access.js';
import { pageItems } from '../page-items.js';
import { pageReply, pageRequest } from '../page-reply.js';
import { notifyPlatform } from '../releasing.js';

/** Heroku's limit of custom domains per app. */
export const DOMAINS_PER_APP = 1000;
const RANGE_FIELDS = ['id', 'hostname'] as const;

/** The domain resource of the Platform API schema. */
interface DomainJson {
  /** Heroku's ACM status (`cert issued`, `pending`, `failing`, `failed`), null without automatic certificates. */
  acm_status: string | null;
  acm_status_reason: string | null;
  app: { id: string; name: string };
  /** Where to point a CNAME (ALIAS for an apex); null for the default domain. */
  cname: string | null;
  created_at: string;
  hostname: string;
  id: string;
  kind: 'heroku' | 'custom';
  sni_endpoint: { id: string; name: string } | null;
  /** Berth checks no DNS: always `none`, which the official CLI takes as ready. */
  status: 'none';
  updated_at: string;
}

/** A hostname's automatic certificate as the domain shows it (`acm_status`, `acm_status_reason`). */
type AcmView = Pick<AcmeCertificate, 'status' | 'reason'> | undefined;

const ACM_STATUS: Record<AcmeCertificate['status'], string> = { ok: 'cert issued', pending: 'pending', failing: 'failing', failed: 'failed' };

function acmFields(acm: AcmView): Pick<DomainJson, 'acm_status' | 'acm_status_reason'> {
  return { acm_status: acm ? ACM_STATUS[acm.status] : null, acm_status_reason: acm?.reason ?? null };
}

/** The app's automatic certificates by hostname (none when ACME is off). */
async function acmViews(ctx: RequestContext, app: App): Promise<Map<string, AcmeCertificate>> {
  if (!ctx.deps.acm) return new Map();
  return new Map((await ctx.deps.store.acmeCertificates.list(app.id)).map((c) => [c.hostname, c]));
}

function customJson(ctx: RequestContext, app: App, domain: Domain, endpoint: Pick<SniEndpoint, 'id' | 'name'> | undefined, acm?: AcmView): DomainJson {
  return {
    ...acmFields(acm),
    app: { id: app.id, name: app.name },
    cname: appHostname(ctx, app),
    created_at: domain.createdAt,
    hostname: domain.hostname,
    id: domain.id,
    kind: 'custom',
    sni_endpoint: endpoint ? { id: endpoint.id, name: endpoint.name } : null,
    status: 'none',
    updated_at: domain.updatedAt,
  };
}

/** `<app>.<domain>`, listed first by Heroku as kind `heroku`; not stored, its id derives from the app's. */
function defaultJson(ctx: RequestContext, app: App, acm?: AcmView): DomainJson {
  return {
    ...acmFields(acm),
    app: { id: app.id, name: app.name },
    cname: null,
    created_at: app.createdAt,
    hostname: appHostname(ctx, app),
    id: stableId(`default-domain:${app.id}`),
    kind: 'heroku',
    sni_endpoint: null,
    status: 'none',
    updated_at: app.createdAt,
  };
}

async function domainJson(ctx: RequestContext, app: App, domain: Domain): Promise<DomainJson> {
  const endpoint = domain.sniEndpointId ? await ctx.deps.store.sniEndpoints.findById(app.id, domain.sniEndpointId) : undefined;
  return customJson(ctx, app, domain, endpoint, (await acmViews(ctx, app)).get(domain.hostname));
}

/** The `:domain` of a path (id or hostname): a custom domain, or 'default' for `<app>.<domain>`. */
async function findDomain(ctx: RequestContext, app: App, identity: string): Promise<Domain | 'default'> {
  const { domains } = ctx.deps.store;
  if (isUuid(identity)) {
    const id = identity.toLowerCase();
    if (id === stableId(`default-domain:${app.id}`)) return 'default';
    const found = await domains.findById(app.id, id);
    if (found) return found;
  } else {
    const hostname = identity.toLowerCase().replace(/\.$/, '');
    if (hostname === appHostname(ctx, app)) return 'default';
    const found = await domains.findByHostname(app.id, hostname);
    if (found) return found;
  }
  throw notFound('domain', identity);
}

const changed = (ctx: RequestContext, app: App) => notifyPlatform(ctx.deps, 'appChanged', app.id, () => ctx.deps.platform.appChanged(app));

const defaultIsFixed = (ctx: RequestContext, app: App, what: string) =>
  new PlatformError('invalid_params', `${appHostname(ctx, app)} is the app's default domain: it cannot ${what}. Add a custom domain with \`berth domains:add HOSTNAME\`.`);

export const domainRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/domains',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const page = pageRequest(ctx, RANGE_FIELDS);
      const [domains, endpoints, acm] = await Promise.all([ctx.deps.store.domains.list(app.id), ctx.deps.store.sniEndpoints.list(app.id), acmViews(ctx, app)]);
      const byId = new Map(endpoints.map((e) => [e.id, e]));
      const all = [
        defaultJson(ctx, app, acm.get(appHostname(ctx, app))),
        ...domains.map((d) => customJson(ctx, app, d, d.sniEndpointId ? byId.get(d.sniEndpointId) : undefined, acm.get(d.hostname))),
      ];
      const result = pageItems(all, page, (d) => (page.field === 'hostname' ? d.hostname : d.id));
      return pageReply(page, result, result.items);
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/domains',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const hostname = validateCustomHostname(body.hostname, berthDomain(ctx, app));
      if (await ctx.deps.store.domains.findByHostname(app.id, hostname)) {
        throw new PlatformError('conflict', `${hostname} is already a domain of ${app.name}.`);
      }
      const endpoint = await endpointFromBody(ctx, app, body.sni_endpoint, hostname);
      const domain = await ctx.deps.store.domains.create({ appId: app.id, hostname, sniEndpointId: endpoint?.id ?? null, limit: DOMAINS_PER_APP });
      changed(ctx, app);
      return { status: 201, body: customJson(ctx, app, domain, endpoint ?? undefined) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/domains/:domain',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const domain = await findDomain(ctx, app, ctx.params.domain as string);
      return { status: 200, body: domain === 'default' ? defaultJson(ctx, app, (await acmViews(ctx, app)).get(appHostname(ctx, app))) : await domainJson(ctx, app, domain) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/domains/:domain',
    access: { app: 'operate' },
    async handler(ctx) {
      const body = await ctx.body();
      const app = routeApp(ctx);
      const domain = await findDomain(ctx, app, ctx.params.domain as string);
      if (!('sni_endpoint' in body)) throw new PlatformError('invalid_params', 'sni_endpoint is required: the id or name of an SNI endpoint, or null to detach it.');
      if (domain === 'default') throw defaultIsFixed(ctx, app, 'use an SNI endpoint (it has the default certificate)');
      const endpoint = await endpointFromBody(ctx, app, body.sni_endpoint, domain.hostname);
      const updated = await ctx.deps.store.domains.setSniEndpoint(app.id, domain.id, endpoint?.id ?? null);
      if (!updated) throw notFound('domain', ctx.params.domain as string);
      changed(ctx, app);
      return { status: 200, body: customJson(ctx, app, updated, endpoint ?? undefined) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/domains/:domain',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const domain = await findDomain(ctx, app, ctx.params.domain as string);
      if (domain === 'default') throw defaultIsFixed(ctx, app, 'be removed');
      const body = await domainJson(ctx, app, domain);
      if (!(await ctx.deps.store.domains.delete(app.id, domain.id))) throw notFound('domain', ctx.params.domain as string);
      changed(ctx, app);
      return { status: 200, body };
    },
  },
];
