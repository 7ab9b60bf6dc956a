import type { AccountJson } from '../api-types.js';
import { UsageError } from '../cli-error.js';
import { jsonFlag, type Command } from '../command.js';
import { DEFAULT_API_URL } from '../credentials.js';
import { firstLine, readStdin } from '../prompt.js';

export const accountsCreate: Command = {
  name: 'accounts:create',
  summary: 'create an account (admins only); prints a generated password once',
  usage: 'accounts:create EMAIL [--password-stdin] [--name NAME] [--admin] [--json]',
  args: [{ name: 'EMAIL', required: true, description: 'email of the new account' }],
  flags: {
    'password-stdin': { type: 'boolean', description: 'read the password from stdin (default: the server generates one)' },
    name: { type: 'string', value: 'NAME', description: 'full name' },
    admin: { type: 'boolean', description: 'make the account an admin' },
    json: jsonFlag,
  },
  examples: ['berth accounts:create dev@example.com --name "Dev One"', 'echo "$PASSWORD" | berth accounts:create ops@example.com --password-stdin --admin'],
  async run(ctx) {
    const email = ctx.args[0] as string;
    const body: Record<string, unknown> = { email };
    if (ctx.bool('password-stdin')) {
      body.password = firstLine(await readStdin(ctx.io));
      if (body.password === '') throw new UsageError('--password-stdin read an empty password.');
    }
    const name = ctx.string('name');
    if (name !== undefined) body.name = name;
    if (ctx.bool('admin')) body.admin = true;
    const account = await ctx.api.post<AccountJson>('/accounts', body);
    if (ctx.bool('json')) return void ctx.printJson(account);
    ctx.print(`Created account ${account.email}${account.berth_admin ? ' (admin)' : ''}`);
    if (typeof account.password === 'string') ctx.print(`Password: ${account.password}  (shown only this once: hand it over safely)`);
    const where = ctx.apiUrl === DEFAULT_API_URL ? '' : ` --api-url ${ctx.apiUrl}`;
    ctx.print(`They log in with: berth login${where} --email ${account.email}`);
  },
};
