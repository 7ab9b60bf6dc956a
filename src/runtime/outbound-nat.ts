/**
 * Outbound network for `outbound` dynos (opt-in, never enabled by the tests): ip_forward on, a
 * MASQUERADE rule for the instance subnet, and FORWARD rules that let dyno traffic out to the
 * internet (and DNS anywhere) but not to private, link-local (cloud metadata) or other instances' networks. Every
 * rule carries the comment `berth-<prefix>` so disable() removes exactly ours. ip_forward is
 * host-wide and stays on after disable() (another instance may rely on it).
 */
import { writeFile } from 'node:fs/promises';
import { execHelper } from './exec.js';

const IPTABLES = '/usr/sbin/iptables';
const PRIVATE = '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,169.254.0.0/16,100.64.0.0/10';

function rules(bridge: string, subnet: string, comment: string): Array<{ table: string; chain: string; spec: string[] }> {
  const tag = ['-m', 'comment', '--comment', comment];
  return [
    { table: 'nat', chain: 'POSTROUTING', spec: ['-s', subnet, '!', '-o', bridge, ...tag, '-j', 'MASQUERADE'] },
    // DNS may be a private resolver (the host's resolv.conf is bound into dynos).
    { table: 'filter', chain: 'FORWARD', spec: ['-i', bridge, '-p', 'udp', '--dport', '53', ...tag, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', spec: ['-i', bridge, '-p', 'tcp', '--dport', '53', ...tag, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', spec: ['-i', bridge, '-d', PRIVATE, ...tag, '-j', 'DROP'] },
    { table: 'filter', chain: 'FORWARD', spec: ['-i', bridge, '!', '-o', bridge, ...tag, '-j', 'ACCEPT'] },
    { table: 'filter', chain: 'FORWARD', spec: ['-o', bridge, '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', ...tag, '-j', 'ACCEPT'] },
  ];
}

export async function enableOutbound(bridge: string, subnet: string, comment: string): Promise<void> {
  await writeFile('/proc/sys/net/ipv4/ip_forward', '1');
  // Insert in reverse so the DROP ends up above the ACCEPTs at the top of FORWARD.
  for (const r of rules(bridge, subnet, comment).reverse()) {
    const present = await execHelper(IPTABLES, ['-w', '-t', r.table, '-C', r.chain, ...r.spec]).then(() => true, () => false);
    if (!present) await execHelper(IPTABLES, ['-w', '-t', r.table, '-I', r.chain, '1', ...r.spec]);
  }
}

export async function disableOutbound(bridge: string, subnet: string, comment: string): Promise<void> {
  for (const r of rules(bridge, subnet, comment)) {
    for (let i = 0; i < 10; i++) {
      const deleted = await execHelper(IPTABLES, ['-w', '-t', r.table, '-D', r.chain, ...r.spec]).then(() => true, () => false);
      if (!deleted) break;
    }
  }
}
