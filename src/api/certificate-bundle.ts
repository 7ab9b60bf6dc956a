import { createHash, createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { PlatformError } from '../core/errors.js';

/** What the API shows of an uploaded certificate (`ssl_cert`). */
export interface CertificateDetails {
  /** DNS names of the leaf (its subjectAltName, else its CN). */
  certDomains: string[];
  /** `/C=US/O=Example/CN=www.example.com`, openssl's one-line form. */
  subject: string;
  issuer: string;
  startsAt: string;
  expiresAt: string;
  selfSigned: boolean;
  /** The chain ends at (or is issued by) a root Node trusts. */
  caSigned: boolean;
  /** SHA-256 of the leaf (DER), lower-case hex. */
  fingerprint: string;
}

export const MAX_CHAIN_CHARS = 100_000;
export const MAX_KEY_CHARS = 20_000;
const MAX_CHAIN_CERTS = 10;
const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

const invalid = (message: string) => new PlatformError('invalid_params', message);

/** The certificates of a PEM chain, leaf first; invalid_params when there are none or one is unreadable. */
export function parseChain(pem: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) throw invalid('certificate_chain holds no PEM certificate (a block starting with -----BEGIN CERTIFICATE-----).');
  if (blocks.length > MAX_CHAIN_CERTS) throw invalid(`certificate_chain holds ${blocks.length} certificates, over the limit of ${MAX_CHAIN_CERTS}.`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      throw invalid(`Certificate ${i + 1} of certificate_chain cannot be read: it is not a valid X.509 certificate in PEM.`);
    }
  });
}

function parseKey(pem: string): KeyObject {
  // PKCS#8 `ENCRYPTED PRIVATE KEY` or a traditional key with `Proc-Type: 4,ENCRYPTED`.
  if (/-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/.test(pem)) {
    throw invalid('private_key is encrypted; upload it without a passphrase (openssl pkey -in encrypted.key -out plain.key).');
  }
  try {
    // An empty passphrase makes OpenSSL fail instead of prompting on a terminal.
    return createPrivateKey({ key: pem, passphrase: '' });
  } catch {
    throw invalid('private_key cannot be read: it must be an unencrypted private key in PEM (-----BEGIN PRIVATE KEY-----).');
  }
}

/**
 * Checks an upload: a readable chain in order (each certificate issued by the next), a private key
 * that belongs to the leaf, and a leaf that has not expired. Returns the leaf's details. Messages
 * never quote the key.
 */
export function checkBundle(chainPem: string, keyPem: string, now: Date): CertificateDetails {
  const chain = parseChain(chainPem);
  const leaf = chain[0] as X509Certificate;
  const key = parseKey(keyPem);
  let matches = false;
  try {
    matches = leaf.checkPrivateKey(key);
  } catch {
    matches = false;
  }
  if (!matches) throw invalid("private_key does not belong to the certificate: its public key differs from the certificate's. Upload the key the certificate was issued for.");
  for (let i = 0; i + 1 < chain.length; i++) {
    if (!(chain[i] as X509Certificate).checkIssued(chain[i + 1] as X509Certificate)) {
      throw invalid(`certificate_chain is out of order: certificate ${i + 2} did not issue certificate ${i + 1}. Put the server certificate first, then each issuer.`);
    }
  }
  const details = describeChain(chain);
  if (Date.parse(details.expiresAt) <= now.getTime()) throw invalid(`The certificate expired on ${details.expiresAt}; upload a current one.`);
  return details;
}

const oneLine = (name: string): string => (name === '' ? '' : `/${name.split('\n').join('/')}`);

function dnsNames(leaf: X509Certificate): string[] {
  const names = (leaf.subjectAltName ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith('DNS:'))
    .map((entry) => entry.slice(4).toLowerCase());
  if (names.length > 0) return [...new Set(names)];
  const cn = /(?:^|\n)CN=([^\n]+)/.exec(leaf.subject)?.[1];
  return cn ? [cn.toLowerCase()] : [];
}

let roots: X509Certificate[] | undefined;
function trustedRoots(): X509Certificate[] {
  roots ??= rootCertificates.flatMap((pem) => {
    try {
      return [new X509Certificate(pem)];
    } catch {
      return [];
    }
  });
  return roots;
}

function signedBy(cert: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return cert.checkIssued(issuer) && cert.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/** The details of a chain's leaf (no validity checks: stored chains were checked on upload). */
export function describeChain(chain: readonly X509Certificate[]): CertificateDetails {
  const leaf = chain[0] as X509Certificate;
  const top = chain[chain.length - 1] as X509Certificate;
  const caSigned = trustedRoots().some((root) => root.fingerprint256 === top.fingerprint256 || signedBy(top, root));
  return {
    certDomains: dnsNames(leaf),
    subject: oneLine(leaf.subject),
    issuer: oneLine(leaf.issuer),
    startsAt: new Date(leaf.validFrom).toISOString(),
    expiresAt: new Date(leaf.validTo).toISOString(),
    selfSigned: signedBy(leaf, leaf),
    caSigned,
    fingerprint: createHash('sha256').update(leaf.raw).digest('hex'),
  };
}

/** A stable UUID-shaped id for `text` (e.g. an `ssl_cert` id from its fingerprint). */
export function stableId(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  const variant = ((parseInt(h.slice(16, 17), 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
