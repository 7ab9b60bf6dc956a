import { UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { loginForGitHost, parseCredentialRequest } from '../git-credential-request.js';
import { readStdin } from '../prompt.js';

export const gitCredentials: Command = {
  name: 'git:credentials',
  summary: "git's credential helper for Berth git hosts (set up by `berth login`)",
  description:
    'git runs it as `berth git:credentials get|store|erase` with the request on stdin. `get`\n' +
    'answers with the API key saved by `berth login` for exactly the requested git host, and with\n' +
    'nothing for any other host (git then asks its other helpers or you). `store` and `erase` do\n' +
    'nothing: the key belongs to the login, `berth logout` forgets it.',
  usage: 'git:credentials get|store|erase',
  args: [{ name: 'OPERATION', required: true, description: 'get, store or erase', choices: ['get', 'store', 'erase'] }],
  flags: {},
  examples: ['printf "protocol=https\\nhost=localhost:5443\\n\\n" | berth git:credentials get'],
  async run(ctx) {
    const [operation] = ctx.args;
    if (operation !== 'get' && operation !== 'store' && operation !== 'erase') {
      throw new UsageError(`Unknown operation ${JSON.stringify(operation)}: git runs this helper with get, store or erase.`);
    }
    const request = parseCredentialRequest(await readStdin(ctx.io));
    if (operation !== 'get') return 0;
    const login = loginForGitHost(await ctx.credentials.read(), request);
    if (login === undefined) return 0;
    ctx.io.stdout.write(`username=berth\npassword=${login.token}\n`);
    return 0;
  },
};
