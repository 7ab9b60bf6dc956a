/**
 * A small third-party add-on provider speaking Heroku's partner API v3 on a real socket, for
 * tests: it checks Basic auth against its manifest, records every request, keeps its resources,
 * and can be told to misbehave (slow, garbage, errors, foreign config vars). For asynchronous
 * provisioning it answers 202 and completes later the way a partner does: exchange the OAuth
 * grant for a token, `PATCH /addons/:uuid/config`, `POST /addons/:uuid/actions/provision`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  body: Record<string, unknown> | undefined;
}

/** What the provider does with the next requests; `sync` is a well-behaved provider. */
export type PartnerBehaviour =
  | { kind: 'sync' }
  | { kind: 'async' }
  /** Holds the request open without answering (until the server closes). */
  | { kind: 'slow' }
  | { kind: 'raw'; status: number; contentType: string; body: string }
  | { kind: 'status'; status: number; message: string }
  /** Answers 200 with this config (e.g. a var outside the manifest). */
  | { kind: 'config'; config: unknown }
  /** Calls back (token, config, provision) before answering 202: a partner in a hurry. */
  | { kind: 'early' };

export interface PartnerResource {
  uuid: string;
  id: string;
  plan: string;
  callbackUrl: string;
  grantCode: string;
  options: Record<string, unknown>;
  logInputUrl: string;
  /** The access token once the grant was exchanged (a partner keeps it). */
  accessToken?: string;
}

export const partnerManifest = (baseUrl: string, id = 'acme-kv') => ({
  id,
  name: 'Acme KV',
  api: {
    config_vars_prefix: 'ACME_KV',
    config_vars: ['ACME_KV_URL', 'ACME_KV_TOKEN'],
    password: 'partner-secret-password',
    sso_salt: 'salty-salt',
    regions: ['us'],
    production: { base_url: baseUrl, sso_url: `${baseUrl}/sso` },
    version: '3',
  },
  plans: [
    { name: 'test', description: 'Free test plan', price: { cents: 0, unit: 'month' } },
    { name: 'big', description: 'Big plan', price: { cents: 2500, unit: 'month' } },
  ],
});

export class PartnerServer {
  readonly requests: RecordedRequest[] = [];
  readonly resources = new Map<string, PartnerResource>();
  behaviour: PartnerBehaviour = { kind: 'sync' };
  /** What the early callbacks of `{kind: 'early'}` got. */
  readonly early: { token: number; config: number; provision: number }[] = [];
  private constructor(private readonly server: Server, readonly url: string, readonly manifest: ReturnType<typeof partnerManifest>) {}

  static async start(id = 'acme-kv'): Promise<PartnerServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const partner = new PartnerServer(server, url, partnerManifest(url, id));
    server.on('request', (req, res) => void partner.handle(req, res));
    return partner;
  }

  /** Provision requests received, in order. */
  provisions(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/heroku/resources');
  }

  private expectedAuth(): string {
    return `Basic ${Buffer.from(`${this.manifest.id}:${this.manifest.api.password}`).toString('base64')}`;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text === '' ? undefined : (JSON.parse(text) as Record<string, unknown>);
    const path = (req.url ?? '/').split('?')[0] as string;
    this.requests.push({ method: req.method ?? '', path, authorization: req.headers.authorization, body });
    const reply = (status: number, json?: unknown) => {
      res.writeHead(status, json === undefined ? {} : { 'content-type': 'application/json' });
      res.end(json === undefined ? '' : JSON.stringify(json));
    };
    if (req.headers.authorization !== this.expectedAuth()) return reply(401, { message: 'bad credentials' });
    const b = this.behaviour;
    if (b.kind === 'slow') return; // never answers; closed with the server
    if (b.kind === 'raw') {
      res.writeHead(b.status, { 'content-type': b.contentType });
      return void res.end(b.body);
    }
    if (b.kind === 'status') return reply(b.status, { message: b.message });
    const match = /^\/heroku\/resources(?:\/([^/]+))?$/.exec(path);
    if (!match) return reply(404, { message: 'no such endpoint' });
    const id = match[1] === undefined ? undefined : decodeURIComponent(match[1]);
    if (req.method === 'POST' && id === undefined && body) {
      const uuid = body.uuid as string;
      const existing = this.resources.get(uuid);
      const resource = existing ?? {
        uuid,
        id: `acme-${this.resources.size + 1}`,
        plan: body.plan as string,
        callbackUrl: body.callback_url as string,
        grantCode: (body.oauth_grant as { code: string }).code,
        options: (body.options ?? {}) as Record<string, unknown>,
        logInputUrl: body.log_input_url as string,
      };
      this.resources.set(uuid, resource);
      if (b.kind === 'config') return reply(200, { id: resource.id, config: b.config });
      if (b.kind === 'early') {
        const callback = resource.callbackUrl;
        this.early.push(await this.completeProvision(uuid, callback.slice(0, callback.lastIndexOf('/addons/'))));
      }
      if (b.kind === 'async' || b.kind === 'early') return reply(202, { id: resource.id, message: 'Your store is being prepared.' });
      return reply(201, { id: resource.id, config: this.configFor(resource), message: 'Acme KV is ready.' });
    }
    const resource = [...this.resources.values()].find((r) => r.id === id);
    if (req.method === 'PUT' && resource && body) {
      resource.plan = body.plan as string;
      return reply(200, { config: { ACME_KV_TOKEN: `token-${resource.id}-${resource.plan}` }, message: `Now on ${resource.plan}.` });
    }
    if (req.method === 'DELETE') {
      if (!resource) return reply(410, { message: 'already gone' });
      this.resources.delete(resource.uuid);
      return reply(204);
    }
    return reply(404, { message: 'unknown resource' });
  }

  configFor(resource: PartnerResource): Record<string, string> {
    return { ACME_KV_URL: `acme://${resource.id}.kv.example.test:7000`, ACME_KV_TOKEN: `token-${resource.id}` };
  }

  /**
   * Completes an asynchronous provision like a partner: exchanges the grant at Berth's
   * `POST /oauth/token`, then PATCHes the config and marks the add-on provisioned. Returns the
   * responses' statuses.
   */
  async completeProvision(uuid: string, apiUrl: string, config?: Record<string, string>): Promise<{ token: number; config: number; provision: number }> {
    const resource = this.resources.get(uuid);
    if (!resource) throw new Error(`partner has no resource ${uuid}`);
    let tokenStatus = 200;
    if (!resource.accessToken) {
      const tokenRes = await fetch(`${apiUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'authorization_code', code: resource.grantCode, client_secret: this.manifest.api.password }).toString(),
      });
      const token = (await tokenRes.json()) as { access_token?: string };
      tokenStatus = tokenRes.status;
      if (!tokenRes.ok || !token.access_token) return { token: tokenRes.status, config: 0, provision: 0 };
      resource.accessToken = token.access_token;
    }
    const headers = { authorization: `Bearer ${resource.accessToken}`, accept: 'application/vnd.heroku+json; version=3', 'content-type': 'application/json' };
    const values = config ?? this.configFor(resource);
    const configRes = await fetch(`${apiUrl}/addons/${uuid}/config`, {
      method: 'PATCH',
      headers,
      body: JSON.stringify({ config: Object.entries(values).map(([name, value]) => ({ name, value })) }),
    });
    await configRes.arrayBuffer();
    const provisionRes = await fetch(`${apiUrl}/addons/${uuid}/actions/provision`, { method: 'POST', headers });
    await provisionRes.arrayBuffer();
    return { token: tokenStatus, config: configRes.status, provision: provisionRes.status };
  }

  /**
   * Writes log lines to the add-on's `log_input_url` as a partner does: octet-counted RFC 5424
   * frames (`application/logplex-1`), the URL's user info sent as Basic auth. Returns the status.
   */
  async writeLogs(uuid: string, lines: { procId: string; message: string }[], raw?: string): Promise<number> {
    const resource = this.resources.get(uuid);
    if (!resource) throw new Error(`partner has no resource ${uuid}`);
    const url = new URL(resource.logInputUrl);
    const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
    url.username = '';
    url.password = '';
    const body =
      raw ??
      lines
        .map(({ procId, message }) => {
          const frame = `<190>1 ${new Date().toISOString()} host app ${procId} - ${message}`;
          return `${Buffer.byteLength(frame)} ${frame}`;
        })
        .join('');
    const res = await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/logplex-1' }, body });
    await res.arrayBuffer();
    return res.status;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
