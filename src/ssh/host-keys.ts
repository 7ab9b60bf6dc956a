/**
 * The SSH host keys of a Berth data dir (`DATADIR/ssh/ssh_host_*_key`), made once by ssh-keygen
 * and kept, so clients' known_hosts stay valid across restarts; with their SHA256 fingerprints
 * (what ssh shows on first connect) and public lines (for a known_hosts file).
 */
import { execFile } from 'node:child_process';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface HostKey {
  path: string;
  /** e.g. `SHA256:+2CUOcMOuUnAZmmOjIfWkfR2h1N9IwYssTwkSJZD5JY` */
  fingerprint: string;
  /** `ssh-ed25519 AAAA…` (no comment). */
  publicKey: string;
}

const TYPES = [['ed25519', []], ['ecdsa', ['-b', '256']]] as const;

export async function ensureHostKeys(dir: string, sshKeygen = '/usr/bin/ssh-keygen'): Promise<HostKey[]> {
  const keys: HostKey[] = [];
  for (const [type, extra] of TYPES) {
    const path = join(dir, `ssh_host_${type}_key`);
    const exists = await access(path).then(() => true, () => false);
    if (!exists) await run(sshKeygen, ['-q', '-t', type, ...extra, '-N', '', '-C', 'berth', '-f', path], { timeout: 30_000 });
    const publicKey = (await readFile(`${path}.pub`, 'utf8')).trim().split(' ').slice(0, 2).join(' ');
    const { stdout } = await run(sshKeygen, ['-l', '-E', 'sha256', '-f', `${path}.pub`], { timeout: 10_000 });
    keys.push({ path, fingerprint: stdout.split(' ')[1] ?? '', publicKey });
  }
  return keys;
}
