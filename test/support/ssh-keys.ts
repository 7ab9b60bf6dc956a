// Real SSH key pairs for tests, made by ssh-keygen in a temp dir the caller removes.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyPair {
  /** The private key file (for ssh -i). */
  privatePath: string;
  publicPath: string;
  /** The public key line as ssh-keygen wrote it, without the newline. */
  publicLine: string;
}

let made = 0;

/** A new key pair of `type` (ed25519, ecdsa, rsa) with `comment`, in `dir`. */
export async function makeKeyPair(dir: string, type: 'ed25519' | 'ecdsa' | 'rsa', comment: string, bits?: number): Promise<KeyPair> {
  made += 1;
  const privatePath = join(dir, `key-${type}-${made}`);
  await run('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', comment, '-f', privatePath], { timeout: 30_000 });
  const publicPath = `${privatePath}.pub`;
  return { privatePath, publicPath, publicLine: (await readFile(publicPath, 'utf8')).trim() };
}

/** OpenSSH's own SHA256 fingerprint of a public key file (`ssh-keygen -lf`). */
export async function sshKeygenFingerprint(publicPath: string, hash: 'sha256' | 'md5' = 'sha256'): Promise<string> {
  const { stdout } = await run('ssh-keygen', ['-E', hash, '-lf', publicPath], { timeout: 10_000 });
  const field = stdout.split(' ')[1] ?? '';
  return hash === 'md5' ? field.replace(/^MD5:/, '') : field;
}
