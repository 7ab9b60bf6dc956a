import { randomAppName } from '../../core/app-name.js';
import { certificateCovers } from '../../core/custom-domain.js';
import { PlatformError } from '../../core/errors.js';
import type { App } from '../../core/model.js';
import type { Domain, SniEndpoint } from '../../store/port.js';
import { routeApp } from '../app-access.js';
import { checkBundle, describeChain, MAX_CHAIN_CHARS, MAX_KEY_CHARS, parseChain, stableId, type CertificateDetails } from '../certificate-bundle.js';
import type { RequestContext, Route } from '../context.js';
import { findEndpoint } from '../custom-domain-access.js';
import { pageItems } from '../page-items.js';
import { pageReply, pageRequest } from '../page-reply.js';
import { notifyPlatform } from '../releasing.js';

/** SNI endpoints per app (a certificate each; one can serve many domains). */
export const SNI_ENDPOINTS_PER_APP = 100;
const RANGE_FIELDS = ['id', 'name'] as const;

/** The sni-endpoint resource of the Platform API schema. The private key is never part of it. */
function endpointJson(app: App, endpoint: SniEndpoint, domains: readonly Domain[], details: CertificateDetails = describeChain(parseChain(endpoint.certificateChain))) {
  return {
    app: { id: app.id, name: app.name },
    certificate_chain: endpoint.certificateChain,
    cname: null,
    created_at: endpoint.createdAt,
    display_name: null,
    domains: domains.filter((d) => d.sniEndpointId === endpoint.id).map((d) => d.id),
    id: endpoint.id,
    name: endpoint.name,
    ssl_cert: {
      acm: false,
      'ca_signed?': details.caSigned,
      cert_domains: details.certDomains,
      expires_at: details.expiresAt,
      id: stableId(`ssl-cert:${details.fingerprint}`),
      issuer: details.issuer,
      'self_signed?': details.selfSigned,
      starts_at: details.startsAt,
      subject: details.subject,
    },
    updated_at: endpoint.updatedAt,
  };
}

/** `certificate_chain` and `private_key` from a body, bounded, then checked (key matches, not expired). */
async function bundleFrom(ctx: RequestContext): Promise<{ certificateChain: string; privateKey: string; details: CertificateDetails }> {
  const body = await ctx.body();
  const field = (name: string, max: number): string => {
    const value = body[name];
    if (typeof value !== 'string' || value.trim() === '') throw new PlatformError('invalid_params', `${name} is required: the PEM text of the ${name === 'private_key' ? 'key' : 'certificate chain'}.`);
    if (value.length > max) throw new PlatformError('invalid_params', `${name} is ${value.length} characters long, over the limit of ${max}.`);
    return value;
  };
  const certificateChain = field('certificate_chain', MAX_CHAIN_CHARS);
  const privateKey = field('private_key', MAX_KEY_CHARS);
  return { certificateChain, privateKey, details: checkBundle(certificateChain, privateKey, ctx.deps.now()) };
}

const changed = (ctx: RequestContext, app: App) => notifyPlatform(ctx.deps, 'appChanged', app.id, () => ctx.deps.platform.appChanged(app));

async function create(ctx: RequestContext, app: App, bundle: { certificateChain: string; privateKey: string }): Promise<SniEndpoint> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await ctx.deps.store.sniEndpoints.create({ appId: app.id, name: randomAppName(Math.random), ...bundle, limit: SNI_ENDPOINTS_PER_APP });
    } catch (err) {
      if (!(err instanceof PlatformError && err.id === 'conflict') || attempt >= 5) throw err;
    }
  }
}

export const sniEndpointRoutes: Route[] = [
  {
    method: 'GET',
    path: '/apps/:app/sni-endpoints',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const page = pageRequest(ctx, RANGE_FIELDS);
      const [endpoints, domains] = await Promise.all([ctx.deps.store.sniEndpoints.list(app.id), ctx.deps.store.domains.list(app.id)]);
      const result = pageItems(endpoints, page, (e) => (page.field === 'name' ? e.name : e.id));
      return pageReply(page, result, result.items.map((e) => endpointJson(app, e, domains)));
    },
  },
  {
    method: 'POST',
    path: '/apps/:app/sni-endpoints',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const { details, ...bundle } = await bundleFrom(ctx);
      const endpoint = await create(ctx, app, bundle);
      changed(ctx, app);
      return { status: 201, body: endpointJson(app, endpoint, [], details) };
    },
  },
  {
    method: 'GET',
    path: '/apps/:app/sni-endpoints/:endpoint',
    access: { app: 'view' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const endpoint = await findEndpoint(ctx, app, ctx.params.endpoint as string);
      return { status: 200, body: endpointJson(app, endpoint, await ctx.deps.store.domains.list(app.id)) };
    },
  },
  {
    method: 'PATCH',
    path: '/apps/:app/sni-endpoints/:endpoint',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const endpoint = await findEndpoint(ctx, app, ctx.params.endpoint as string);
      const { details, ...bundle } = await bundleFrom(ctx);
      const domains = await ctx.deps.store.domains.list(app.id);
      const uncovered = domains.filter((d) => d.sniEndpointId === endpoint.id && !certificateCovers(details.certDomains, d.hostname)).map((d) => d.hostname);
      if (uncovered.length > 0) {
        throw new PlatformError('invalid_params', `The new certificate is not valid for ${uncovered.join(', ')}, which ${uncovered.length === 1 ? 'uses' : 'use'} ${endpoint.name}. Detach ${uncovered.length === 1 ? 'it' : 'them'} first (PATCH the domain with "sni_endpoint": null) or upload a certificate that covers ${uncovered.length === 1 ? 'it' : 'them'}.`);
      }
      const updated = await ctx.deps.store.sniEndpoints.update(app.id, endpoint.id, bundle);
      if (!updated) throw new PlatformError('not_found', `Couldn't find that SNI endpoint: ${ctx.params.endpoint as string}.`);
      changed(ctx, app);
      return { status: 200, body: endpointJson(app, updated, domains, details) };
    },
  },
  {
    method: 'DELETE',
    path: '/apps/:app/sni-endpoints/:endpoint',
    access: { app: 'operate' },
    async handler(ctx) {
      const app = routeApp(ctx);
      const endpoint = await findEndpoint(ctx, app, ctx.params.endpoint as string);
      const body = endpointJson(app, endpoint, await ctx.deps.store.domains.list(app.id));
      if (!(await ctx.deps.store.sniEndpoints.delete(app.id, endpoint.id))) throw new PlatformError('not_found', `Couldn't find that SNI endpoint: ${ctx.params.endpoint as string}.`);
      changed(ctx, app);
      return { status: 200, body };
    },
  },
];
