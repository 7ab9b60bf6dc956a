/**
 * Which addresses Berth may connect to on a tenant's behalf (log drains, source_blob URLs,
 * buildpack git URLs, custom error pages): pure IPv4/IPv6 and CIDR logic, no I/O. Loopback,
 * link-local, unspecified, multicast, private and reserved ranges (RFC 1918 with Berth's bridge
 * subnets 10.213–10.250.x, 100.64/10, fc00::/7, fe80::/10, IPv4-mapped IPv6…) and the host's own
 * addresses are refused, unless the admin allows a range (`bin/berth up --allow-private-urls`).
 * The connect-time guard that applies it lives in src/egress.
 */

export interface IpAddress {
  readonly family: 4 | 6;
  /** 32 bits for IPv4, 128 for IPv6. */
  readonly value: bigint;
}

export interface AddressRange {
  readonly family: 4 | 6;
  readonly base: bigint;
  readonly bits: number;
}

const width = (family: 4 | 6): number => (family === 4 ? 32 : 128);

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = (value << 8n) | BigInt(part);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text.replace(/%[^%]*$/, ''); // a zone id (fe80::1%eth0) names an interface, not an address
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.', lastColon)) {
    // A trailing dotted IPv4 (::ffff:127.0.0.1) stands for the last two groups.
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    body = `${body.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): bigint[] | undefined => {
    if (half === '') return [];
    const out: bigint[] = [];
    for (const g of half.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = groups(halves[0] ?? '');
  const rest = halves.length === 2 ? groups(halves[1] ?? '') : [];
  if (!head || !rest) return undefined;
  const explicit = [...head, ...rest];
  if (halves.length === 1 ? explicit.length !== 8 : explicit.length > 7) return undefined;
  const all = [...head, ...new Array<bigint>(8 - explicit.length).fill(0n), ...rest];
  return all.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** An IPv4 or IPv6 address in text form (brackets and a zone id allowed), or undefined. */
export function parseIp(text: string): IpAddress | undefined {
  const bare = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
  const v4 = parseIpv4(bare);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!bare.includes(':')) return undefined;
  const v6 = parseIpv6(bare);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

/** `10.1.2.0/24`, `fd00::/8` or a single address (a /32 or /128); undefined when malformed. */
export function parseRange(text: string): AddressRange | undefined {
  const [ip, bitsText, extra] = text.trim().split('/');
  if (ip === undefined || extra !== undefined) return undefined;
  const address = parseIp(ip);
  if (!address) return undefined;
  const max = width(address.family);
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return undefined;
  return { family: address.family, base: address.value & mask(address.family, bits), bits };
}

const mask = (family: 4 | 6, bits: number): bigint => {
  const w = BigInt(width(family));
  return ((1n << w) - 1n) ^ ((1n << (w - BigInt(bits))) - 1n);
};

export function rangeContains(range: AddressRange, address: IpAddress): boolean {
  return range.family === address.family && (address.value & mask(range.family, range.bits)) === range.base;
}

const ranges = (texts: readonly string[]): AddressRange[] => texts.map((t) => parseRange(t) as AddressRange);

/** Never connected to for a tenant (unless allowed). Berth's bridge subnets are inside 10.0.0.0/8. */
export const REFUSED_RANGES: readonly AddressRange[] = ranges([
  '0.0.0.0/8', // unspecified, "this network"
  '10.0.0.0/8', // RFC 1918, including the instance bridges 10.213.0.0–10.250.255.0/24
  '100.64.0.0/10', // carrier-grade NAT
  '127.0.0.0/8', // loopback
  '169.254.0.0/16', // link-local (cloud metadata services)
  '172.16.0.0/12', // RFC 1918
  '192.0.0.0/24', // IETF protocol assignments
  '192.168.0.0/16', // RFC 1918
  '198.18.0.0/15', // benchmarking
  '224.0.0.0/4', // multicast
  '240.0.0.0/4', // reserved and broadcast
  '::/96', // unspecified, loopback, IPv4-compatible
  '::ffff:0:0/96', // IPv4-mapped
  '64:ff9b:1::/48', // local-use NAT64
  '100::/64', // discard
  'fc00::/7', // unique local
  'fe80::/10', // link-local
  'fec0::/10', // site-local (deprecated)
  'ff00::/8', // multicast
]);

const MAPPED = parseRange('::ffff:0:0/96') as AddressRange;
const NAT64 = parseRange('64:ff9b::/96') as AddressRange;
const SIX_TO_FOUR = parseRange('2002::/16') as AddressRange;

/** The IPv4 address an IPv6 one carries (mapped, NAT64, 6to4), if any. */
function embeddedIpv4(address: IpAddress): IpAddress | undefined {
  if (rangeContains(MAPPED, address) || rangeContains(NAT64, address)) return { family: 4, value: address.value & 0xffffffffn };
  if (rangeContains(SIX_TO_FOUR, address)) return { family: 4, value: (address.value >> 80n) & 0xffffffffn };
  return undefined;
}

export interface AddressPolicy {
  /** Ranges the admin allowed: these win over every refusal. */
  readonly allowed: readonly AddressRange[];
  /** The host's own addresses (every interface). */
  readonly own: readonly IpAddress[];
}

/** Whether Berth may connect to `address` for a tenant under `policy`. */
export function permitsAddress(policy: AddressPolicy, address: IpAddress): boolean {
  if (policy.allowed.some((r) => rangeContains(r, address))) return true;
  const inner = embeddedIpv4(address);
  if (inner) {
    if (rangeContains(MAPPED, address)) return policy.allowed.some((r) => rangeContains(r, inner));
    if (!permitsAddress(policy, inner)) return false;
  }
  if (REFUSED_RANGES.some((r) => rangeContains(r, address))) return false;
  return !policy.own.some((o) => o.family === address.family && o.value === address.value);
}

/** `--allow-private-urls` values as ranges; throws with the accepted forms on a bad one. */
export function parseAllowedRanges(texts: readonly string[]): AddressRange[] {
  return texts.map((text) => {
    const range = parseRange(text);
    if (!range) throw new Error(`--allow-private-urls takes a CIDR range such as 10.1.2.0/24, fd00::/8 or 127.0.0.0/8, not ${JSON.stringify(text)}.`);
    return range;
  });
}
