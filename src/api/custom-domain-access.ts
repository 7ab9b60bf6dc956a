import { certificateCovers } from '../core/custom-domain.js';
import { notFound, PlatformError } from '../core/errors.js';
import type { App } from '../core/model.js';
import type { SniEndpoint } from '../store/port.js';
import { isUuid } from './app-access.js';
import { describeChain, parseChain } from './certificate-bundle.js';
import type { RequestContext } from './context.js';

/** `<app>.<domain>`: where the app answers by default, and the CNAME target of its custom domains. */
export function appHostname(ctx: RequestContext, app: App): string {
  return new URL(ctx.deps.urls.webUrl(app.name)).hostname.toLowerCase();
}

/** The Berth domain apps answer under (`localhost` in `<app>.localhost`). */
export function berthDomain(ctx: RequestContext, app: App): string {
  const host = appHostname(ctx, app);
  return host.startsWith(`${app.name}.`) ? host.slice(app.name.length + 1) : host;
}

/** An SNI endpoint of the app by id or name; 404 when it has none by that identity. */
export async function findEndpoint(ctx: RequestContext, app: App, identity: string): Promise<SniEndpoint> {
  const { sniEndpoints } = ctx.deps.store;
  const endpoint = isUuid(identity) ? await sniEndpoints.findById(app.id, identity.toLowerCase()) : await sniEndpoints.findByName(app.id, identity);
  if (!endpoint) throw notFound('SNI endpoint', identity);
  return endpoint;
}

/**
 * The `sni_endpoint` of a domain request body: undefined when absent, null to detach, else an
 * endpoint of the app (by id or name) whose certificate is valid for `hostname`.
 */
export async function endpointFromBody(ctx: RequestContext, app: App, value: unknown, hostname: string): Promise<SniEndpoint | null | undefined> {
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value === '') throw new PlatformError('invalid_params', 'sni_endpoint must be null or the id or name of an SNI endpoint of this app.');
  const endpoint = await findEndpoint(ctx, app, value).catch((err: unknown) => {
    if (err instanceof PlatformError && err.id === 'not_found') {
      throw new PlatformError('invalid_params', `${app.name} has no SNI endpoint ${JSON.stringify(value)}; \`berth certs\` lists them, \`berth certs:add\` uploads one.`);
    }
    throw err;
  });
  checkCovers(endpoint, hostname);
  return endpoint;
}

/** invalid_params unless the endpoint's certificate is valid for `hostname`. */
export function checkCovers(endpoint: SniEndpoint, hostname: string): void {
  const names = describeChain(parseChain(endpoint.certificateChain)).certDomains;
  if (!certificateCovers(names, hostname)) {
    throw new PlatformError('invalid_params', `The certificate of SNI endpoint ${endpoint.name} is for ${names.join(', ') || 'no DNS name'}, not ${hostname}.`);
  }
}
