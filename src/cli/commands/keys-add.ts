/** `berth keys:add [FILE]`: upload a public key for git over SSH (default ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub). */
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliError } from '../cli-error.js';
import { jsonFlag, type Command, type CommandContext } from '../command.js';
import type { SshKeyJson } from '../ssh-key-types.js';

/** Tried in this order when no FILE is given (what `ssh` itself offers first). */
export const DEFAULT_PUBLIC_KEYS = ['id_ed25519.pub', 'id_ecdsa.pub', 'id_rsa.pub'];

async function defaultKeyFile(ctx: CommandContext): Promise<string> {
  const sshDir = join(ctx.io.env.HOME || homedir(), '.ssh');
  for (const name of DEFAULT_PUBLIC_KEYS) {
    const path = join(sshDir, name);
    if (await stat(path).then((s) => s.isFile(), () => false)) return path;
  }
  throw new CliError(`No public key found: looked for ${DEFAULT_PUBLIC_KEYS.map((n) => join(sshDir, n)).join(', ')}.`, {
    hint: 'Make one with `ssh-keygen -t ed25519`, or name the file: berth keys:add PATH.pub',
  });
}

export const keysAdd: Command = {
  name: 'keys:add',
  summary: 'upload an SSH public key, so `git push` over SSH works with it',
  description:
    'FILE is a public key (.pub) file; without it the first of ~/.ssh/id_ed25519.pub, id_ecdsa.pub and id_rsa.pub is uploaded. ' +
    'Ed25519, ECDSA and RSA keys of 2048 bits or more are accepted; a key opens one account only.',
  usage: 'keys:add [FILE] [--json]',
  args: [{ name: 'FILE', required: false, description: 'the public key file (default ~/.ssh/id_ed25519.pub, id_ecdsa.pub, id_rsa.pub)' }],
  flags: { json: jsonFlag },
  examples: ['berth keys:add', 'berth keys:add ~/.ssh/work_ed25519.pub'],
  async run(ctx) {
    const file = ctx.args[0] !== undefined ? resolve(ctx.io.cwd, ctx.args[0]) : await defaultKeyFile(ctx);
    if (!file.endsWith('.pub') && /PRIVATE KEY/.test(await readFile(file, 'utf8').catch(() => ''))) {
      throw new CliError(`${file} is a private key; upload its public half (${file}.pub).`);
    }
    const text = await readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
      throw new CliError(`Cannot read the key file ${file}: ${err.code ?? err.message}.`);
    });
    const key = await ctx.api.post<SshKeyJson>('/account/keys', { public_key: text.slice(0, 64 * 1024) });
    if (ctx.bool('json')) return void ctx.printJson(key);
    ctx.print(`Uploading ${file} SSH key... done`);
    ctx.note(`Fingerprint ${key.fingerprint}. git over SSH accepts this key now: ssh://git@HOST:PORT/APP.git (bin/berth up prints the SSH URL).`);
  },
};
