import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { certificateCovers } from '../../core/custom-domain.js';
import { appPath } from '../api-client.js';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command, type CommandContext } from '../command.js';
import type { DomainJson, SniEndpointJson } from '../domain-types.js';

const MAX_FILE_BYTES = 1024 * 1024;

async function readPem(ctx: CommandContext, file: string, what: string): Promise<string> {
  const path = resolve(ctx.io.cwd, file);
  try {
    if ((await stat(path)).size > MAX_FILE_BYTES) throw new CliError(`${file} is larger than 1 MB; is it really a PEM ${what}?`);
    return await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError(`Cannot read the ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}.`);
  }
}

export const certsAdd: Command = {
  name: 'certs:add',
  summary: "upload an SSL certificate and key, and serve the app's matching custom domains with it",
  description:
    'CERT_FILE holds the certificate chain in PEM (server certificate first, then intermediates); KEY_FILE its unencrypted private key. ' +
    'Every custom domain of the app that the certificate is valid for is switched to it at once.',
  usage: 'certs:add CERT_FILE KEY_FILE [-a APP] [--json]',
  args: [
    { name: 'CERT_FILE', required: true, description: 'PEM certificate chain, e.g. fullchain.pem' },
    { name: 'KEY_FILE', required: true, description: 'PEM private key, e.g. privkey.pem' },
  ],
  flags: { json: jsonFlag },
  needsApp: true,
  examples: ['berth certs:add fullchain.pem privkey.pem', 'berth certs:add example.com.crt example.com.key -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const [certFile, keyFile] = ctx.args as [string, string];
    const body = { certificate_chain: await readPem(ctx, certFile, 'certificate'), private_key: await readPem(ctx, keyFile, 'key') };
    const endpoint = await ctx.api.post<SniEndpointJson>(appPath(app, '/sni-endpoints'), body);
    const domains = await ctx.api.list<DomainJson>(appPath(app, '/domains'));
    const matching = domains.filter((d) => d.kind === 'custom' && certificateCovers(endpoint.ssl_cert.cert_domains, d.hostname));
    const attached: DomainJson[] = [];
    for (const domain of matching) {
      attached.push(await ctx.api.patch<DomainJson>(appPath(app, `/domains/${encodeURIComponent(domain.hostname)}`), { sni_endpoint: endpoint.id }));
    }
    if (ctx.bool('json')) return void ctx.printJson({ ...endpoint, domains: attached.map((d) => d.id) });
    ctx.print(`Adding SSL certificate to ${app}... done`);
    ctx.print(`${ctx.colours.out.green(endpoint.name)}: ${endpoint.ssl_cert.cert_domains.join(', ')}, expires ${endpoint.ssl_cert.expires_at.slice(0, 10)}`);
    if (attached.length > 0) ctx.print(`Serving ${attached.map((d) => d.hostname).join(', ')} with it.`);
    else ctx.note(`No custom domain of ${app} matches it yet; add one with \`berth domains:add HOSTNAME --cert ${endpoint.name}\`.`);
  },
};
