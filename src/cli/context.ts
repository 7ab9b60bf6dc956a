import { homedir } from 'node:os';
import { ApiClient } from './api-client.js';
import { findApp, type AppSources } from './app-resolution.js';
import { coloursFor } from './colour.js';
import type { CliIo, Command, CommandContext, FlagValues } from './command.js';
import { chooseApiKey, chooseApiUrl, credentialsPath, findCredential } from './credentials.js';
import { CredentialsFile } from './credentials-file.js';
import { Git } from './git.js';
import { terminalText } from './terminal-text.js';
import { trustedCas } from './tls-trust.js';

/** Everything a command's `run` gets: parsed input, the API client, git, output helpers. */
export async function buildContext(command: Command, args: string[], flags: FlagValues, io: CliIo, commands: readonly Command[]): Promise<CommandContext> {
  const credentials = new CredentialsFile(credentialsPath(io.env, homedir()));
  const saved = await credentials.read();
  const apiUrl = chooseApiUrl(io.env, saved);
  const ca = await trustedCas(io.env, findCredential(saved, apiUrl));
  const api = new ApiClient(apiUrl, chooseApiKey(io.env, saved, apiUrl)?.key, ca === undefined ? {} : { ca });
  const git = new Git(io.cwd);
  const app = command.needsApp ? await resolveApp(flags, io, git) : undefined;
  const str = (name: string) => (typeof flags[name] === 'string' ? (flags[name] as string) : undefined);
  return {
    command,
    args,
    flags,
    io,
    colours: { out: coloursFor(io.stdout, io.env), err: coloursFor(io.stderr, io.env) },
    apiUrl,
    api,
    ca,
    credentials,
    git,
    commands,
    app() {
      if (app === undefined) throw new Error(`${command.name} reads its app but does not set needsApp`);
      return app;
    },
    string: str,
    bool: (name) => flags[name] === true,
    strings: (name) => {
      const value = flags[name];
      return Array.isArray(value) ? [...value] : typeof value === 'string' ? [value] : [];
    },
    // On a terminal, tenant-controlled text is shown with its control characters escaped.
    print: (text = '') => void io.stdout.write(`${io.stdout.isTTY ? terminalText(text) : text}\n`),
    note: (text) => void io.stderr.write(`${io.stderr.isTTY ? terminalText(text) : text}\n`),
    printJson: (value) => void io.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
  };
}

function resolveApp(flags: FlagValues, io: CliIo, git: Git): Promise<string> {
  const sources: AppSources = {};
  if (typeof flags.app === 'string') sources.flag = flags.app;
  if (io.env.BERTH_APP) sources.env = io.env.BERTH_APP;
  return findApp(sources, git);
}
