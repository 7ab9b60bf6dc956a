/**
 * Berth's local certificate authority. `bin/berth up` calls ensureLocalCa(DATADIR/tls) to get a
 * server certificate for the API (and later git, the router and the TLS rendezvous). All key and
 * certificate work is done by the real openssl binary, run with argv arrays (never a shell) inside
 * a private work directory; results are committed with rename (link for the CA, which must never
 * be replaced), so a crash never leaves a half-written key in place.
 */
import { execFile } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { chmod, link, mkdir, mkdtemp, open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';

export const OPENSSL = '/usr/bin/openssl';
const OPENSSL_TIMEOUT_MS = 30_000;
const CA_DAYS = 3650;
const LEAF_DAYS = 730; // browsers reject leaf certificates valid for more than 825 days
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000; // re-issue a leaf this long before it expires
const EC_KEY_ARGS = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-pkeyopt', 'ec_param_enc:named_curve'];

export interface LocalPki {
  caCertPath: string;
  caKeyPath: string;
  serverCertPath: string;
  serverKeyPath: string;
  caCert: Buffer;
  serverCert: Buffer;
  serverKey: Buffer;
}

export interface IssuedCertificate {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
}

/** Anything the PKI could not do; `stderr` is openssl's own explanation when openssl failed. */
export class PkiError extends Error {
  readonly stderr: string;
  constructor(message: string, stderr = '', options?: { cause?: unknown }) {
    super(stderr ? `${message}: ${stderr.trim()}` : message, options);
    this.name = 'PkiError';
    this.stderr = stderr;
  }
}

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(OPENSSL, args, { cwd, timeout: OPENSSL_TIMEOUT_MS, encoding: 'utf8' }, (err, _stdout, stderr) => {
      if (!err) return resolve();
      const how = err.killed ? `timed out after ${OPENSSL_TIMEOUT_MS} ms` : `failed (${String(err.code ?? err.signal)})`;
      reject(new PkiError(`openssl ${args[0]} ${how}`, stderr, { cause: err }));
    });
  });
}

const exists = (path: string): Promise<boolean> => stat(path).then(() => true, () => false);

/** Make `src` durable with `mode`, then move it to `dst`. With noClobber an existing `dst` wins. */
async function commit(src: string, dst: string, mode: number, noClobber = false): Promise<void> {
  await chmod(src, mode);
  const fh = await open(src, 'r');
  try { await fh.sync(); } finally { await fh.close(); }
  if (!noClobber) return rename(src, dst);
  await link(src, dst).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST') throw err; });
}

/** Run `fn` in a fresh private directory inside `dir` (same filesystem, so renames are atomic). */
async function inWorkDir<T>(dir: string, fn: (work: string) => Promise<T>): Promise<T> {
  const work = await mkdtemp(join(dir, '.work-'));
  try { return await fn(work); } finally { await rm(work, { recursive: true, force: true }); }
}

const serial = (): string => {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] ?? 0) & 0x7f; // keep it positive
  return `0x${bytes.toString('hex')}`;
};

const DNS_NAME = /^(\*\.)?[a-z0-9]([a-z0-9-]{0,62})(\.[a-z0-9]([a-z0-9-]{0,62}))*$/;

function normaliseHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, '');
  if (isIP(h) || (DNS_NAME.test(h) && h.length <= 253)) return h;
  throw new PkiError(`not a valid hostname or IP address: ${JSON.stringify(host)}`);
}

const sanList = (hosts: string[]): string[] => [...new Set(hosts.map(normaliseHost))];
const sanEntry = (host: string): string => (isIP(host) ? `IP:${host}` : `DNS:${host}`);

async function prepareDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
}

/** Create the CA if absent. Race-safe: a key or certificate that already exists is never replaced. */
async function ensureCaFiles(dir: string): Promise<void> {
  const keyPath = join(dir, 'ca.key');
  const certPath = join(dir, 'ca.crt');
  const [haveKey, haveCert] = await Promise.all([exists(keyPath), exists(certPath)]);
  if (haveKey && haveCert) return;
  if (haveCert) throw new PkiError(`${certPath} exists but its key ${keyPath} is missing; refusing to replace the CA`);
  await inWorkDir(dir, async (work) => {
    if (!haveKey) {
      await openssl(['genpkey', ...EC_KEY_ARGS, '-out', 'ca.key'], work);
      await commit(join(work, 'ca.key'), keyPath, 0o600, true);
    }
    // Self-sign with whatever key is on disk now, so concurrent creators agree on one key.
    await writeFile(join(work, 'ca.cnf'), [
      '[req]', 'prompt = no', 'distinguished_name = dn', 'x509_extensions = ca_ext',
      '[dn]', 'CN = Berth Local CA',
      '[ca_ext]', 'basicConstraints = critical, CA:TRUE', 'keyUsage = critical, keyCertSign, cRLSign',
      'subjectKeyIdentifier = hash', '',
    ].join('\n'));
    await openssl(['req', '-new', '-x509', '-config', 'ca.cnf', '-key', keyPath, '-sha256',
      '-days', String(CA_DAYS), '-set_serial', serial(), '-out', 'ca.crt'], work);
    await commit(join(work, 'ca.crt'), certPath, 0o644, true);
  });
}

async function loadCa(dir: string): Promise<{ pem: Buffer; cert: X509Certificate }> {
  const certPath = join(dir, 'ca.crt');
  if (!(await exists(join(dir, 'ca.key')))) throw new PkiError(`no CA key in ${dir}; run ensureLocalCa first`);
  try {
    const pem = await readFile(certPath);
    return { pem, cert: new X509Certificate(pem) };
  } catch (err) {
    throw new PkiError(`cannot read the CA certificate ${certPath}`, '', { cause: err });
  }
}

function assertLeafName(name: string): void {
  if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(name) || name.toLowerCase() === 'ca') {
    throw new PkiError(`invalid certificate name ${JSON.stringify(name)} (letters, digits, - and _; not "ca")`);
  }
}

/** True when <name>.crt/.key/.json exist, match `sans`, pair up, chain to `ca` and are not near expiry. */
async function leafIsCurrent(dir: string, name: string, sans: string[], ca: X509Certificate): Promise<boolean> {
  try {
    const file = (ext: string): Promise<Buffer> => readFile(join(dir, `${name}.${ext}`));
    const [crt, key, json] = await Promise.all([file('crt'), file('key'), file('json')]);
    const recorded = (JSON.parse(String(json)) as { sans?: unknown }).sans;
    if (!Array.isArray(recorded) || recorded.join(',') !== sans.join(',')) return false;
    const cert = new X509Certificate(crt);
    return cert.checkPrivateKey(createPrivateKey(key)) && cert.verify(ca.publicKey) &&
      cert.checkIssued(ca) && Date.parse(cert.validTo) - Date.now() > RENEW_BEFORE_MS;
  } catch {
    return false; // missing, unreadable or corrupt: issue a fresh one
  }
}

/** Issue <name>.key/.crt (+ <name>.json recording the SANs) signed by the CA in `dir`. */
async function issueLeaf(dir: string, name: string, sans: string[], record: object): Promise<IssuedCertificate> {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  if (sans.length === 0) throw new PkiError(`certificate ${name} needs at least one hostname`);
  const cn = sans.find((h) => !h.startsWith('*.') && h.length <= 64) ?? name;
  await inWorkDir(dir, async (work) => {
    await writeFile(join(work, 'leaf.cnf'), [
      '[req]', 'prompt = no', 'distinguished_name = dn',
      '[dn]', 'O = Berth', `CN = ${cn}`,
      '[leaf_ext]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature',
      'extendedKeyUsage = serverAuth', `subjectAltName = ${sans.map(sanEntry).join(', ')}`,
      'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid:always', '',
    ].join('\n'));
    await openssl(['genpkey', ...EC_KEY_ARGS, '-out', 'leaf.key'], work);
    await openssl(['req', '-new', '-config', 'leaf.cnf', '-key', 'leaf.key', '-sha256', '-out', 'leaf.csr'], work);
    await openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', join(dir, 'ca.crt'), '-CAkey', join(dir, 'ca.key'),
      '-set_serial', serial(), '-days', String(LEAF_DAYS), '-sha256',
      '-extfile', 'leaf.cnf', '-extensions', 'leaf_ext', '-out', 'leaf.crt'], work);
    await writeFile(join(work, 'leaf.json'), `${JSON.stringify({ ...record, sans }, null, 2)}\n`);
    // Key, then cert, then record: a crash in between leaves a mismatch that leafIsCurrent rejects.
    await commit(join(work, 'leaf.key'), keyPath, 0o600);
    await commit(join(work, 'leaf.crt'), certPath, 0o644);
    await commit(join(work, 'leaf.json'), join(dir, `${name}.json`), 0o644);
  });
  const [cert, key] = await Promise.all([readFile(certPath), readFile(keyPath)]);
  return { certPath, keyPath, cert, key };
}

/**
 * Ensure `dir` holds the local CA and a server certificate for localhost, `domain`, `*.domain`,
 * 127.0.0.1 and ::1. Reuses everything it can: the CA is never regenerated, and the server
 * certificate is re-issued only when missing, expiring, for other names, or not from this CA.
 */
export async function ensureLocalCa(dir: string, options: { domain: string }): Promise<LocalPki> {
  const domain = normaliseHost(options.domain);
  if (isIP(domain) || domain.startsWith('*.')) throw new PkiError(`domain must be a DNS name, got ${domain}`);
  const sans = sanList(['localhost', domain, `*.${domain}`, '127.0.0.1', '::1']);
  await prepareDir(dir);
  await ensureCaFiles(dir);
  const ca = await loadCa(dir);
  let server: IssuedCertificate;
  if (await leafIsCurrent(dir, 'server', sans, ca.cert)) {
    const certPath = join(dir, 'server.crt');
    const keyPath = join(dir, 'server.key');
    server = { certPath, keyPath, cert: await readFile(certPath), key: await readFile(keyPath) };
  } else {
    server = await issueLeaf(dir, 'server', sans, { domain });
  }
  return {
    caCertPath: join(dir, 'ca.crt'),
    caKeyPath: join(dir, 'ca.key'),
    serverCertPath: server.certPath,
    serverKeyPath: server.keyPath,
    caCert: ca.pem,
    serverCert: server.cert,
    serverKey: server.key,
  };
}

/**
 * Issue (always afresh) `<name>.crt`/`<name>.key` in `dir` for `hostnames` (DNS names, `*.`
 * wildcards or IP addresses), signed by the CA that ensureLocalCa created there.
 */
export async function issueCertificate(dir: string, name: string, hostnames: string[]): Promise<IssuedCertificate> {
  assertLeafName(name);
  const sans = sanList(hostnames);
  await loadCa(dir);
  return issueLeaf(dir, name, sans, { name });
}
