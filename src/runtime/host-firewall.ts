/**
 * What dynos may reach on the host itself. Without it a dyno reaches every host service that
 * listens on all interfaces through its gateway (and, with a default route, on every host
 * address). One chain per runtime instance, `berth-<prefix>-in`, entered from INPUT for traffic
 * arriving on the instance bridge (`-i <prefix>br`), so it covers every host address at once:
 *
 *   1. replies to connections the host opened (the router → a dyno): conntrack ESTABLISHED,RELATED
 *   2. the services Berth offers dynos on purpose: TCP to the gateway on the ports `offer()` lists
 *      (the agent keeps them in sync with its add-on servers, which listen on the gateway only)
 *   3. DNS (UDP/TCP 53) to the host's resolv.conf nameservers, once outbound dynos are enabled
 *      (they use the host's resolv.conf; a nameserver elsewhere is forwarded, never matched here)
 *   4. everything else is dropped.
 *
 * The chain is rewritten in one `iptables-restore --noflush` transaction, so changing the offered
 * ports never opens a gap. It carries the comment `berth-<prefix>` like outbound-nat.ts's rules,
 * outlives the agent with the bridge (a new agent keeps it until its first offer) and is removed
 * with the bridge.
 */
import { readFile } from 'node:fs/promises';
import { execHelper } from './exec.js';

const IPTABLES = '/usr/sbin/iptables';
const IPTABLES_RESTORE = '/usr/sbin/iptables-restore';
const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The IPv4 nameservers of a resolv.conf text. */
export function nameservers(resolvConf: string): string[] {
  return [...resolvConf.matchAll(/^\s*nameserver\s+(\S+)/gm)].map((m) => m[1]!).filter((a) => IPV4.test(a));
}

export class HostFirewall {
  readonly chain: string;
  private readonly comment: string;
  private ports: number[] = [];
  private dns = false;
  private installed = false;
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly bridge: string,
    private readonly gateway: () => string,
    prefix: string,
  ) {
    this.chain = `berth-${prefix}-in`;
    this.comment = `berth-${prefix}`;
  }

  /** The jump from INPUT and the chain. A chain left by a previous agent of this instance is kept
   *  as it is (its offers are still right) until offer() or allowDns() rewrites it. */
  async install(): Promise<void> {
    const exists = await execHelper(IPTABLES, ['-w', '-S', this.chain]).then(() => true, () => false);
    if (!exists) await this.write();
    const jump = ['INPUT', '-i', this.bridge, '-m', 'comment', '--comment', this.comment, '-j', this.chain];
    const present = await execHelper(IPTABLES, ['-w', '-C', ...jump]).then(() => true, () => false);
    if (!present) await execHelper(IPTABLES, ['-w', '-I', jump[0]!, '1', ...jump.slice(1)]);
    this.installed = true;
  }

  /** The gateway ports dynos may connect to (the add-on servers); replaces the previous list. */
  offer(ports: readonly number[]): Promise<void> {
    this.ports = [...new Set(ports)].filter((p) => Number.isInteger(p) && p > 0 && p < 65536).sort((a, b) => a - b);
    return this.installed ? this.write() : Promise.resolve();
  }

  /** Let dynos reach the host's nameservers (outbound dynos resolve names through them). */
  allowDns(): Promise<void> {
    this.dns = true;
    return this.installed ? this.write() : Promise.resolve();
  }

  /** Removes the jump and the chain (with the bridge). */
  async remove(): Promise<void> {
    this.installed = false;
    await this.writes;
    await removeHostFirewall(this.bridge, this.chain, this.comment);
  }

  private write(): Promise<void> {
    const job = this.writes.then(async () => {
      const servers = this.dns ? nameservers(await readFile('/etc/resolv.conf', 'utf8').catch(() => '')) : [];
      const tag = `-m comment --comment ${this.comment}`;
      const lines = [
        '*filter',
        `:${this.chain} - [0:0]`,
        `-A ${this.chain} -m conntrack --ctstate ESTABLISHED,RELATED ${tag} -j ACCEPT`,
        ...this.ports.map((p) => `-A ${this.chain} -d ${this.gateway()}/32 -p tcp --dport ${p} ${tag} -j ACCEPT`),
        ...servers.flatMap((ns) => ['udp', 'tcp'].map((proto) => `-A ${this.chain} -d ${ns}/32 -p ${proto} --dport 53 ${tag} -j ACCEPT`)),
        `-A ${this.chain} ${tag} -j DROP`,
        'COMMIT',
      ];
      await execHelper(IPTABLES_RESTORE, ['-w', '--noflush'], { input: `${lines.join('\n')}\n` });
    });
    this.writes = job.catch(() => undefined);
    return job;
  }
}

/** Removes an instance's INPUT jump and chain; what is already gone is ignored. */
export async function removeHostFirewall(bridge: string, chain: string, comment: string): Promise<void> {
  for (let i = 0; i < 10; i++) {
    const deleted = await execHelper(IPTABLES, ['-w', '-D', 'INPUT', '-i', bridge, '-m', 'comment', '--comment', comment, '-j', chain]).then(() => true, () => false);
    if (!deleted) break;
  }
  await execHelper(IPTABLES, ['-w', '-F', chain]).catch(() => undefined);
  await execHelper(IPTABLES, ['-w', '-X', chain]).catch(() => undefined);
}
