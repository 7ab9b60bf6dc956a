/**
 * IPv4 /24 arithmetic for the instance bridge. Each Berth instance picks one private /24 at
 * random among 10.213.0.0–10.250.255.0 (9,728 candidates) that overlaps no address or route on
 * the host, so parallel instances (and the host's own networks) do not collide. The host is .1,
 * dynos get .2–.254.
 */

export interface Cidr {
  base: number; // network address as an unsigned 32-bit integer
  bits: number;
}

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = value * 256 + n;
  }
  return value;
}

export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
}

const mask = (bits: number): number => (bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0);

export function parseCidr(text: string): Cidr | undefined {
  const [ip, bitsText] = text.split('/');
  const address = ip === undefined ? undefined : parseIpv4(ip);
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (address === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) return undefined;
  return { base: (address & mask(bits)) >>> 0, bits };
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const bits = Math.min(a.bits, b.bits);
  return ((a.base & mask(bits)) >>> 0) === ((b.base & mask(bits)) >>> 0);
}

export const SUBNET_SECOND_OCTETS = { first: 213, last: 250 } as const;

/** A random free /24 in 10.213–10.250.x.0, or undefined after `attempts` misses. */
export function pickSubnet(random: () => number, taken: readonly Cidr[], attempts = 200): Cidr | undefined {
  const span = SUBNET_SECOND_OCTETS.last - SUBNET_SECOND_OCTETS.first + 1;
  for (let i = 0; i < attempts; i++) {
    const second = SUBNET_SECOND_OCTETS.first + Math.floor(random() * span);
    const third = Math.floor(random() * 256);
    const candidate: Cidr = { base: parseIpv4(`10.${second}.${third}.0`)!, bits: 24 };
    if (!taken.some((t) => t.bits > 0 && overlaps(t, candidate))) return candidate;
  }
  return undefined;
}

/** Networks in `ip -4 -o addr show` and `ip -4 route show` output (default routes excluded). */
export function networksInUse(addrOutput: string, routeOutput: string): Cidr[] {
  const found: Cidr[] = [];
  for (const m of addrOutput.matchAll(/\binet (\d+\.\d+\.\d+\.\d+\/\d+)/g)) {
    const c = parseCidr(m[1]!);
    if (c) found.push(c);
  }
  for (const line of routeOutput.split('\n')) {
    const tokens = line.trim().split(/\s+/);
    const dest = ['unicast', 'local', 'broadcast', 'blackhole', 'unreachable', 'prohibit', 'throw'].includes(tokens[0] ?? '') ? tokens[1] : tokens[0];
    if (!dest || dest === 'default') continue;
    const c = parseCidr(dest);
    if (c) found.push(c);
  }
  return found;
}

/** The address of host octet `n` (1 = the bridge itself) in a /24. */
export const hostAddress = (subnet: Cidr, n: number): string => formatIpv4(subnet.base + n);
export const formatCidr = (c: Cidr): string => `${formatIpv4(c.base)}/${c.bits}`;
