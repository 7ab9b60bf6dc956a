import { readFile } from 'node:fs/promises';
import { rootCertificates } from 'node:tls';
import { CliError } from './cli-error.js';
import type { Credential } from './credentials.js';

/**
 * The CAs the CLI trusts for its own HTTPS and rendezvous connections: Node's roots, plus
 * NODE_EXTRA_CA_CERTS from `env`, plus the Berth CA that `berth login` saved for this API
 * (`ca_file`). Undefined means Node's defaults will do: no saved CA, and NODE_EXTRA_CA_CERTS (if
 * any) is the one this process started with, which Node trusts already. An `env` handed in with
 * another NODE_EXTRA_CA_CERTS (as tests do) is honoured too.
 */
export async function trustedCas(env: NodeJS.ProcessEnv, login: Credential | undefined): Promise<string[] | undefined> {
  const extra = env.NODE_EXTRA_CA_CERTS || undefined;
  const startedWith = extra !== undefined && extra === process.env.NODE_EXTRA_CA_CERTS;
  if (login?.ca_file === undefined && (extra === undefined || startedWith)) return undefined;
  const pems: string[] = [];
  if (extra !== undefined) {
    // Node only warned at start-up about an unreadable file it started with; so do we, by skipping it.
    const pem = await readCa(extra, 'NODE_EXTRA_CA_CERTS', "Point it at Berth's CA certificate (tls/ca.crt under the data dir).").catch((err: unknown) => {
      if (startedWith) return undefined;
      throw err;
    });
    if (pem !== undefined) pems.push(pem);
  }
  if (login?.ca_file !== undefined) pems.push(await readCa(login.ca_file, 'the CA saved at login', 'Run `berth login` again to save it anew.'));
  return [...rootCertificates, ...pems];
}

async function readCa(path: string, what: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new CliError(`Cannot read ${what} (${path}): ${(err as Error).message}`, { hint });
  }
}
