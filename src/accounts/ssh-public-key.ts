/**
 * An OpenSSH public key line (`ssh-ed25519 AAAA… comment`), parsed and checked before Berth
 * stores it for git over SSH: the base64 blob must decode to the SSH wire format of its own type
 * (RFC 4253 §6.6, RFC 5656, RFC 8709), RSA moduli have at least 2048 bits, and nothing else
 * (options, certificates, DSA, FIDO keys, control characters) is accepted. Fingerprints are
 * OpenSSH's: `SHA256:<base64>` (what `ssh-keygen -l` and sshd print) and the MD5 colon form of
 * Heroku's `fingerprint` field.
 */
import { createHash } from 'node:crypto';
import { invalidParams } from '../core/errors.js';

export type SshKeyType = 'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'ssh-rsa';

export interface SshPublicKey {
  type: SshKeyType;
  /** The base64 blob, as uploaded (canonical: it re-encodes to itself). */
  blob: string;
  comment: string;
  /** `type blob`: what sshd hands to the AuthorizedKeysCommand, without the comment. */
  line: string;
  /** OpenSSH's `SHA256:…` fingerprint (unpadded base64). */
  sha256: string;
  /** Heroku's `fingerprint`: MD5 of the blob as colon-separated hex. */
  md5: string;
  /** Key size in bits (RSA modulus, curve size, 256 for Ed25519). */
  bits: number;
}

export const MIN_RSA_BITS = 2048;
const MAX_LINE = 16 * 1024;
const SUPPORTED = 'ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa (2048 bits or more)';
const CURVES: Record<string, { name: string; bits: number; point: number }> = {
  'ecdsa-sha2-nistp256': { name: 'nistp256', bits: 256, point: 65 },
  'ecdsa-sha2-nistp384': { name: 'nistp384', bits: 384, point: 97 },
  'ecdsa-sha2-nistp521': { name: 'nistp521', bits: 521, point: 133 },
};

/** Reads SSH wire-format strings (uint32 length + bytes) from a blob; throws on a short read. */
class WireReader {
  private offset = 0;
  constructor(private readonly bytes: Buffer) {}
  string(): Buffer {
    if (this.offset + 4 > this.bytes.length) throw new Error('truncated');
    const length = this.bytes.readUInt32BE(this.offset);
    const start = this.offset + 4;
    if (length > this.bytes.length - start) throw new Error('truncated');
    this.offset = start + length;
    return this.bytes.subarray(start, start + length);
  }
  done(): boolean {
    return this.offset === this.bytes.length;
  }
}

/** Bits of a positive mpint (leading zero bytes ignored). */
function mpintBits(value: Buffer): number {
  let i = 0;
  while (i < value.length && value[i] === 0) i += 1;
  if (i === value.length) return 0;
  return (value.length - i - 1) * 8 + (32 - Math.clz32(value[i] as number));
}

/** Bits of the key in `blob`, or an error message saying what is wrong with it. */
function keyBits(type: SshKeyType, blob: Buffer): number | string {
  const reader = new WireReader(blob);
  try {
    if (reader.string().toString('latin1') !== type) return `the key data is not an ${type} key (its type field differs)`;
    let bits: number;
    if (type === 'ssh-ed25519') {
      if (reader.string().length !== 32) return 'an Ed25519 key must hold 32 bytes';
      bits = 256;
    } else if (type === 'ssh-rsa') {
      const exponent = reader.string();
      const modulus = reader.string();
      if (mpintBits(exponent) < 2 || (exponent.at(-1)! & 1) === 0) return 'the RSA exponent is invalid';
      bits = mpintBits(modulus);
      if (bits < MIN_RSA_BITS) return `RSA keys must have at least ${MIN_RSA_BITS} bits; this one has ${bits} (make a new one with ssh-keygen -t ed25519)`;
    } else {
      const curve = CURVES[type]!;
      if (reader.string().toString('latin1') !== curve.name) return `the curve is not ${curve.name}`;
      const point = reader.string();
      if (point.length !== curve.point || point[0] !== 4) return `the ${curve.name} public point is malformed`;
      bits = curve.bits;
    }
    return reader.done() ? bits : 'the key data has trailing bytes';
  } catch {
    return 'the key data is truncated';
  }
}

/**
 * Parses one public key line as written by ssh-keygen (`TYPE BASE64 [COMMENT]`, surrounding
 * whitespace ignored); throws invalid_params saying what is wrong.
 */
export function parseSshPublicKey(input: unknown): SshPublicKey {
  if (typeof input !== 'string' || input.trim() === '') {
    throw invalidParams(`public_key is required: the contents of a public key file such as ~/.ssh/id_ed25519.pub (${SUPPORTED}).`);
  }
  const text = input.trim();
  if (text.length > MAX_LINE) throw invalidParams(`public_key is too long (over ${MAX_LINE} characters): send one public key line.`);
  if (/-----BEGIN/.test(text)) throw invalidParams('That is a private key or a PEM file: send the public key (the .pub file), never the private one.');
  if (/[\n\r]/.test(text)) throw invalidParams('public_key must be one key on one line; send each key separately.');
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text)) throw invalidParams('public_key contains control characters.');
  const [type = '', blob = '', ...rest] = text.split(/[ \t]+/);
  if (!(type in CURVES) && type !== 'ssh-ed25519' && type !== 'ssh-rsa') {
    const hint = type === 'ssh-dss' ? 'DSA keys are not accepted' : /cert-v01|^sk-/.test(type) ? `${type} keys are not accepted` : `"${type.slice(0, 40)}" is not a key type (options before the key are not accepted either)`;
    throw invalidParams(`public_key is not a supported SSH public key: ${hint}. Use ${SUPPORTED}.`);
  }
  const bytes = Buffer.from(blob, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(blob) || bytes.length === 0 || bytes.toString('base64') !== blob) {
    throw invalidParams(`public_key is malformed: the part after "${type}" must be the key's base64 data.`);
  }
  const bits = keyBits(type as SshKeyType, bytes);
  if (typeof bits === 'string') throw invalidParams(`public_key is malformed: ${bits}.`);
  const comment = rest.join(' ').slice(0, 200);
  const md5 = createHash('md5').update(bytes).digest('hex').replace(/(..)(?!$)/g, '$1:');
  return {
    type: type as SshKeyType,
    blob,
    comment,
    line: `${type} ${blob}`,
    sha256: `SHA256:${createHash('sha256').update(bytes).digest('base64').replace(/=+$/, '')}`,
    md5,
    bits,
  };
}
