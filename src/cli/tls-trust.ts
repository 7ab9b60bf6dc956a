import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { CliError } from './cli-error.js';
import type { Credential } from './credentials.js';

/**
 * The CAs the CLI trusts for its own HTTPS and rendezvous connections: Node's roots plus
 * NODE_EXTRA_CA_CERTS when it is set in `env` (a process started with it trusts it already; this
 * makes the same hold for an `env` handed in, as tests do), else plus the Berth CA that
 * `berth login` saved for this API (`ca_file`). Undefined means Node's defaults.
 */
export async function trustedCas(env: NodeJS.ProcessEnv, login: Credential | undefined): Promise<string[] | undefined> {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra) return [...rootCertificates, await readCa(extra, 'NODE_EXTRA_CA_CERTS', "Point it at Berth's CA certificate (tls/ca.crt under the data dir).")];
  if (login?.ca_file) return [...rootCertificates, await readCa(login.ca_file, 'the CA saved at login', 'Run `berth login` again to save it anew.')];
  return undefined;
}

async function readCa(path: string, what: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${what} (${path}): ${(err as Error).message}`, { hint });
  }
}
