/**
 * The connect-time guard for tenant-supplied URLs (core/address-policy.ts decides): a `lookup`
 * for net, tls, http and https sockets that resolves every address of a name and refuses the
 * connection when any of them is refused, so the address checked is the address connected to;
 * `assertHost` for literal addresses (Node skips `lookup` for those); `resolve` for child
 * processes (git) that must be pinned to the checked addresses.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import { networkInterfaces } from 'node:os';
import { type AddressPolicy, type IpAddress, parseAllowedRanges, parseIp, permitsAddress } from '../core/address-policy.js';

/** What every refusal says: no address, port or status of the target (nothing to probe with). */
export class EgressRefusedError extends Error {
  readonly code = 'EBERTHREFUSED';
  constructor(host: string) {
    super(
      `connecting to ${host} is refused by policy: Berth does not connect to loopback, private, link-local or its own addresses for apps (an admin can allow a range with bin/berth up --allow-private-urls CIDR)`,
    );
    this.name = 'EgressRefusedError';
  }
}

export type GuardedLookup = (
  hostname: string,
  options: LookupOptions,
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/**
 * The host's addresses on every interface. Interfaces come and go, so the list is read again
 * when it is older than a second (reading it costs ~0.3 ms, more with a veth per dyno).
 */
function hostAddresses(): () => readonly IpAddress[] {
  let cached: { at: number; list: IpAddress[] } | undefined;
  return () => {
    const now = Date.now();
    if (!cached || now - cached.at > 1_000) {
      const list = Object.values(networkInterfaces())
        .flatMap((entries) => entries ?? [])
        .map((i) => parseIp(i.address))
        .filter((a): a is IpAddress => a !== undefined);
      cached = { at: now, list };
    }
    return cached.list;
  };
}

export class EgressGuard {
  readonly #allowed;
  readonly #own: () => readonly IpAddress[];

  /** `allowed`: CIDR ranges the admin allows (`--allow-private-urls`); throws on a malformed one. */
  constructor(allowed: readonly string[] = [], own: () => readonly IpAddress[] = hostAddresses()) {
    this.#allowed = parseAllowedRanges(allowed);
    this.#own = own;
  }

  private policy(): AddressPolicy {
    return { allowed: this.#allowed, own: this.#own() };
  }

  /** Whether `address` (a literal) may be connected to. */
  permits(address: string): boolean {
    const ip = parseIp(address);
    return ip !== undefined && permitsAddress(this.policy(), ip);
  }

  /** Throws EgressRefusedError when `host` is a literal address that is refused (names pass: `lookup` checks them). */
  assertHost(host: string): void {
    const ip = parseIp(host);
    if (ip && !permitsAddress(this.policy(), ip)) throw new EgressRefusedError(host);
  }

  /** Every address of `host` (a name or a literal), all permitted; rejects with EgressRefusedError otherwise. */
  async resolve(host: string): Promise<LookupAddress[]> {
    const literal = parseIp(host);
    if (literal) {
      this.assertHost(host);
      return [{ address: host.replace(/^\[|\]$/g, ''), family: literal.family }];
    }
    const addresses = await dns.promises.lookup(host, { all: true, verbatim: true });
    this.check(host, addresses);
    return addresses;
  }

  /** For `net.connect`, `tls.connect` and `http(s).request` options: resolves, checks every address, connects only to checked ones. */
  readonly lookup: GuardedLookup = (hostname, options, callback) => {
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      try {
        this.check(hostname, addresses);
      } catch (refused) {
        return callback(refused as EgressRefusedError, []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };

  private check(host: string, addresses: readonly LookupAddress[]): void {
    const policy = this.policy();
    const permitted = (address: string) => {
      const ip = parseIp(address);
      return ip !== undefined && permitsAddress(policy, ip);
    };
    if (addresses.length === 0 || !addresses.every((a) => permitted(a.address))) throw new EgressRefusedError(host);
  }
}
