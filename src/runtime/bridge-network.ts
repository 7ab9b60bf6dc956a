/**
 * The instance bridge `<prefix>br` and per-dyno network slots: a netns holding `eth0` with
 * address .n of the instance /24, whose host end `<prefix>v<n>` is an *isolated* bridge port: the
 * host (the router) reaches every dyno, dynos cannot reach each other. No default route
 * (outbound NAT is opt-in, see outbound-nat.ts).
 *
 * A slot's netns is named (`berth-<prefix>-<n>`) only while `ip` configures it; then the agent
 * holds it by an open fd and removes the name. The launcher enters it through that fd. So
 * nothing is left under /run/netns for dyno mount namespaces to copy and pin, and when the dyno
 * ends the netns and its veth pair disappear with it even if the agent died. Each slot costs three
 * `ip` runs; the standby pool hides that.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, openSync } from 'node:fs';
import { access, readdir } from 'node:fs/promises';
import { RuntimeError } from './errors.js';
import { execHelper } from './exec.js';
import { type Cidr, formatCidr, hostAddress, networksInUse, overlaps, parseCidr, pickSubnet } from './subnet.js';

const IP = '/usr/sbin/ip';
const FIRST_OCTET = 2;
const LAST_OCTET = 254;

export interface NetSlot {
  octet: number;
  veth: string;
  address: string;
  /** An open fd on the netns (nsfs); the launcher gets it and enters /proc/self/fd/N. */
  fd: number;
}

export class BridgeNetwork {
  readonly bridge: string;
  private readonly prefix: string;
  private readonly forced: Cidr | undefined;
  private readonly preferred: Cidr | undefined;
  private subnetValue: Cidr | undefined;
  private readonly used = new Set<number>();
  private cursor = FIRST_OCTET - 1;

  constructor(prefix: string, subnet?: string, preferred?: string) {
    this.prefix = prefix;
    this.bridge = `${prefix}br`;
    const p = preferred === undefined ? undefined : parseCidr(preferred);
    this.preferred = p && p.bits === 24 ? p : undefined;
    if (subnet !== undefined) {
      const c = parseCidr(subnet);
      if (!c || c.bits !== 24) throw new RuntimeError('invalid_spec', `Subnet ${JSON.stringify(subnet)} must be an IPv4 /24 such as 10.213.7.0/24`);
      this.forced = c;
    }
  }

  get subnet(): Cidr {
    if (!this.subnetValue) throw new Error('BridgeNetwork.ensure() has not run');
    return this.subnetValue;
  }

  get gateway(): string {
    return hostAddress(this.subnet, 1);
  }

  /** Create the bridge (or adopt the one a previous agent of this instance left) and learn which
   *  slots already exist. */
  async ensure(random: () => number = Math.random): Promise<void> {
    const existing = await this.bridgeSubnet();
    if (existing) {
      this.subnetValue = existing;
    } else {
      this.subnetValue = await this.createBridge(random);
    }
    // Names left by an agent that died while configuring a slot: nothing uses them.
    for (const name of await readdir('/run/netns').catch(() => [] as string[])) {
      if (name.startsWith(`berth-${this.prefix}-`)) await execHelper(IP, ['netns', 'del', name]).catch(() => undefined);
    }
    // Ports of dynos still running from a previous agent keep their addresses.
    const ports = await execHelper(IP, ['-o', 'link', 'show', 'master', this.bridge]).catch(() => ({ stdout: '' }));
    for (const m of ports.stdout.matchAll(new RegExp(`^\\d+: ${this.prefix}v(\\d+)@`, 'gm'))) this.used.add(Number(m[1]));
  }

  private async bridgeSubnet(): Promise<Cidr | undefined> {
    const out = await execHelper(IP, ['-4', '-o', 'addr', 'show', 'dev', this.bridge]).catch(() => undefined);
    if (!out) return undefined;
    const m = /\binet (\d+\.\d+\.\d+\.\d+)\/24\b/.exec(out.stdout);
    return m ? parseCidr(`${m[1]}/24`) : undefined;
  }

  private async createBridge(random: () => number): Promise<Cidr> {
    await execHelper(IP, ['link', 'del', this.bridge]).catch(() => undefined); // a half-made one
    for (let attempt = 0; attempt < 5; attempt++) {
      const [addrs, routes] = await Promise.all([execHelper(IP, ['-4', '-o', 'addr', 'show']), execHelper(IP, ['-4', 'route', 'show', 'table', 'all'])]);
      const taken = networksInUse(addrs.stdout, routes.stdout);
      const preferred = attempt === 0 && this.preferred && !taken.some((t) => t.bits > 0 && overlaps(t, this.preferred!)) ? this.preferred : undefined;
      const subnet = this.forced ?? preferred ?? pickSubnet(random, taken);
      if (!subnet) throw new RuntimeError('no_subnet', 'No free /24 in 10.213.0.0–10.250.255.0 for the dyno bridge; pass a subnet in the runtime options');
      const mac = `02:${randomBytes(5).toString('hex').match(/../g)!.join(':')}`; // fixed, so it never changes as ports come and go
      await execHelper(IP, ['-batch', '-'], {
        input: [
          `link add ${this.bridge} address ${mac} type bridge`,
          `link set ${this.bridge} addrgenmode none`,
          `addr add ${hostAddress(subnet, 1)}/24 dev ${this.bridge}`,
          `link set ${this.bridge} up`,
        ].join('\n') + '\n',
      });
      // Another instance may have picked the same /24 at the same moment: the lower name keeps it.
      const after = await execHelper(IP, ['-4', '-o', 'addr', 'show']);
      const rivals = [...after.stdout.matchAll(/^\d+:\s+(\S+)\s+inet (\d+\.\d+\.\d+\.\d+\/\d+)/gm)]
        .filter((m) => m[1] !== this.bridge && parseCidr(m[2]!)?.base === subnet.base)
        .map((m) => m[1]!);
      if (rivals.length === 0 || this.forced || rivals.every((r) => r > this.bridge)) return subnet;
      await execHelper(IP, ['link', 'del', this.bridge]);
    }
    throw new RuntimeError('no_subnet', 'Could not claim a /24 for the dyno bridge after 5 attempts');
  }

  /** Reserve the next free host octet (round robin, so a just-freed address rests before reuse). */
  allocate(): number {
    for (let i = 0; i <= LAST_OCTET - FIRST_OCTET; i++) {
      this.cursor = this.cursor >= LAST_OCTET ? FIRST_OCTET : this.cursor + 1;
      if (!this.used.has(this.cursor)) {
        this.used.add(this.cursor);
        return this.cursor;
      }
    }
    throw new RuntimeError('no_address', `All ${LAST_OCTET - FIRST_OCTET + 1} dyno addresses of ${formatCidr(this.subnet)} are in use; stop some dynos`);
  }

  async createSlot(): Promise<NetSlot> {
    const octet = this.allocate();
    const netns = `berth-${this.prefix}-${octet}`;
    const veth = `${this.prefix}v${octet}`;
    const address = hostAddress(this.subnet, octet);
    let fd: number | undefined;
    try {
      await execHelper(IP, ['-batch', '-'], {
        input: [
          `netns add ${netns}`,
          `link add ${veth} type veth peer name eth0 netns ${netns}`,
          `link set ${veth} addrgenmode none`,
          `link set ${veth} master ${this.bridge}`,
          `link set dev ${veth} type bridge_slave isolated on`,
          `link set ${veth} up`,
        ].join('\n') + '\n',
      });
      await execHelper(IP, ['-n', netns, '-batch', '-'], {
        input: ['link set lo up', 'link set eth0 addrgenmode none', `addr add ${address}/24 dev eth0`, 'link set eth0 up'].join('\n') + '\n',
      });
      fd = openSync(`/run/netns/${netns}`, constants.O_RDONLY);
      await execHelper(IP, ['netns', 'del', netns]);
      return { octet, veth, address, fd };
    } catch (err) {
      if (fd !== undefined) closeSync(fd);
      await execHelper(IP, ['-force', '-batch', '-'], { input: `link del ${veth}\nnetns del ${netns}\n` }).catch(() => undefined);
      this.used.delete(octet);
      throw err;
    }
  }

  /** Give an outbound dyno its default route through the host. */
  async addDefaultRoute(slot: NetSlot): Promise<void> {
    await execHelper('/usr/bin/nsenter', [`--net=/proc/self/fd/3`, '--', IP, 'route', 'add', 'default', 'via', this.gateway], { fds: [slot.fd] });
  }

  /** Delete the veth (if the dyno's processes still pin the netns) and let go of the netns.
   *  Errors are ignored (it may be gone already); the octet is free again afterwards. */
  async destroySlot(slot: NetSlot): Promise<void> {
    await execHelper(IP, ['-force', '-batch', '-'], { input: `link del ${slot.veth}\nneigh del ${slot.address} dev ${this.bridge}\n` }).catch(() => undefined);
    try { closeSync(slot.fd); } catch { /* already closed */ }
    this.used.delete(slot.octet);
  }

  /** Removes the bridge (nothing to do when it is gone already); throws when it stays. Under
   *  load `ip` can wait long for the kernel's network lock, hence the roomy timeout. */
  async removeBridge(): Promise<void> {
    const present = () => access(`/sys/class/net/${this.bridge}`).then(() => true, () => false);
    if (!(await present())) return;
    await execHelper(IP, ['link', 'del', this.bridge], { timeoutMs: 60_000 }).catch(async (err: unknown) => {
      if (await present()) throw err;
    });
  }
}
