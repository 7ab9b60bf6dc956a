// Before ordering a certificate: does the hostname's DNS lead to this Berth's router?
import { randomBytes } from 'node:crypto';
import { Resolver, lookup } from 'node:dns/promises';
import { request } from 'node:http';

export type Reachability = { ok: true } | { ok: false; reason: string };

/** The probe's answer, published in the router like an HTTP-01 challenge. */
export interface ProbeBoard {
  set(token: string, answer: string): Promise<void>;
  remove(token: string): Promise<void>;
}

export interface ReachabilityOptions {
  /** The router's plain-HTTP port (80 in production; what the CA connects to). */
  routerHttpPort(): number;
  /** A DNS server (`127.0.0.1:5353`) to ask instead of the system's resolver (tests). */
  dnsServer?: string;
  timeoutMs?: number;
}

/**
 * Resolves the hostname (A and AAAA) and asks each address, on the router's HTTP port, for a
 * random probe published in the router for this hostname's app: the same request the CA will
 * make. A name without addresses, or whose addresses answer with anything else (another host, a
 * firewall), is not ordered: it would fail validation and count against the CA's rate limits.
 */
export class ReachabilityCheck {
  private readonly resolver: Resolver | undefined;

  constructor(private readonly options: ReachabilityOptions) {
    if (options.dnsServer) {
      this.resolver = new Resolver({ timeout: 2_000, tries: 2 });
      this.resolver.setServers([options.dnsServer]);
    }
  }

  async check(hostname: string, board: ProbeBoard): Promise<Reachability> {
    const addresses = await this.addresses(hostname);
    if (typeof addresses === 'string') return { ok: false, reason: addresses };
    const token = `berth-probe-${randomBytes(12).toString('hex')}`;
    const answer = randomBytes(16).toString('hex');
    const port = this.options.routerHttpPort();
    await board.set(token, answer);
    try {
      const failures: string[] = [];
      for (const address of addresses) {
        const got = await this.fetchProbe(address, port, hostname, token, answer);
        if (got === 'ok') return { ok: true };
        failures.push(`${address}: ${got}`);
      }
      return { ok: false, reason: `DNS of ${hostname} points at ${addresses.join(', ')}, which did not answer as this Berth on port ${port} (${failures.join('; ')}); point it at this host (a CNAME to the app's hostname, or an A record)` };
    } finally {
      await board.remove(token);
    }
  }

  /** The hostname's addresses, or why there are none. */
  private async addresses(hostname: string): Promise<string[] | string> {
    const none = `DNS has no A or AAAA record for ${hostname}; point it at this host (a CNAME to the app's hostname, or an A record)`;
    try {
      if (this.resolver) {
        const all = await Promise.all([this.resolver.resolve4(hostname).catch(notFound), this.resolver.resolve6(hostname).catch(notFound)]);
        const flat = all.flat();
        return flat.length > 0 ? flat : none;
      }
      const found = await lookup(hostname, { all: true });
      return found.length > 0 ? found.map((a) => a.address) : none;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return code === 'ENOTFOUND' || code === 'ENODATA' ? none : `DNS lookup of ${hostname} failed: ${code ?? (err as Error).message}`;
    }
  }

  /** Asks one address for the probe, a few times (the router applies route changes within milliseconds). */
  private async fetchProbe(address: string, port: number, hostname: string, token: string, answer: string): Promise<'ok' | string> {
    let last = '';
    for (let attempt = 0; attempt < 5; attempt++) {
      last = await this.get(address, port, hostname, `/.well-known/acme-challenge/${token}`);
      if (last === `200 ${answer}`) return 'ok';
      // Only a router that does not know the probe yet is worth asking again; errors are final.
      if (!last.startsWith('200 ') && last !== 'HTTP 404') break;
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
    return last.startsWith('200 ') ? 'answered with something else' : last;
  }

  private get(address: string, port: number, hostname: string, path: string): Promise<string> {
    const timeoutMs = this.options.timeoutMs ?? 5_000;
    return new Promise((resolve) => {
      const req = request({ host: address, port, path, headers: { host: hostname }, agent: false, timeout: timeoutMs }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          if (body.length < 1024) body += chunk;
        });
        res.on('end', () => resolve(res.statusCode === 200 ? `200 ${body.trim()}` : `HTTP ${res.statusCode ?? 0}`));
        res.on('error', (err) => resolve(err.message));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end();
    });
  }
}

/** A resolver's "no such record" answers are just no addresses; other failures propagate. */
function notFound(err: NodeJS.ErrnoException): string[] {
  if (err.code === 'ENOTFOUND' || err.code === 'ENODATA') return [];
  throw err;
}
