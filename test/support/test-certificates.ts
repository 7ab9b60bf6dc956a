// Certificates for tests: a throwaway CA (src/pki, real openssl) in a temp dir, leaves from it,
// and an expired self-signed one made with `openssl ca` (the only way to back-date with 3.0).

import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureLocalCa, issueCertificate, OPENSSL } from '../../src/pki/certificate-authority.js';

const run = promisify(execFile);

export interface PemPair {
  cert: string;
  key: string;
}

export interface ThrowawayCa {
  /** The CA certificate, PEM: trust it in a client to verify what it issued. */
  caCert: string;
  /** A leaf for `hostnames` (DNS names or `*.` wildcards), signed by this CA. */
  issue(hostnames: string[]): Promise<PemPair>;
  /** A self-signed certificate for `hostname` that expired in 2020. */
  expired(hostname: string): Promise<PemPair>;
  remove(): Promise<void>;
}

let issued = 0;

/**
 * A self-signed RSA (2048-bit) certificate for `name`, made with real openssl in a new directory
 * under `dir`: Berth's own certificates are ECDSA, and TLS must serve both key types.
 */
export async function rsaSelfSigned(dir: string, name: string): Promise<PemPair> {
  const work = await mkdtemp(join(dir, 'rsa-'));
  await run(OPENSSL, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'key.pem', '-out', 'cert.pem', '-days', '2', '-subj', `/CN=${name}`, '-addext', `subjectAltName=DNS:${name}`], { cwd: work, timeout: 60_000 });
  return { cert: await readFile(join(work, 'cert.pem'), 'utf8'), key: await readFile(join(work, 'key.pem'), 'utf8') };
}

export async function throwawayCa(): Promise<ThrowawayCa> {
  const dir = await mkdtemp(join(tmpdir(), 'berth-test-ca-'));
  const pki = await ensureLocalCa(join(dir, 'tls'), { domain: 'throwaway-ca.invalid' });
  return {
    caCert: pki.caCert.toString(),
    async issue(hostnames) {
      const leaf = await issueCertificate(join(dir, 'tls'), `leaf-${process.pid}-${++issued}`, hostnames);
      return { cert: leaf.cert.toString(), key: leaf.key.toString() };
    },
    async expired(hostname) {
      const work = await mkdtemp(join(dir, 'expired-'));
      await writeFile(join(work, 'index.txt'), '');
      await writeFile(join(work, 'serial'), '01\n');
      await writeFile(join(work, 'ca.cnf'), [
        '[ca]', 'default_ca = d',
        '[d]', 'database = index.txt', 'new_certs_dir = .', 'default_md = sha256', 'policy = p', 'serial = serial', 'unique_subject = no',
        '[p]', 'commonName = supplied',
        '[req]', 'prompt = no', 'distinguished_name = dn',
        '[dn]', `CN = ${hostname}`, '',
      ].join('\n'));
      const opts = { cwd: work, timeout: 30_000 };
      await run(OPENSSL, ['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'key.pem', '-out', 'req.csr', '-config', 'ca.cnf'], opts);
      await run(OPENSSL, ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'req.csr', '-startdate', '20200101000000Z', '-enddate', '20200201000000Z', '-out', 'cert.pem'], opts);
      return { cert: await readFile(join(work, 'cert.pem'), 'utf8'), key: await readFile(join(work, 'key.pem'), 'utf8') };
    },
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
