import { resolve } from 'node:path';
import { appPath } from '../api-client.js';
import type { ConfigVarsJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { parseDotenv } from '../dotenv.js';
import { doneWithVersion } from '../release-lookup.js';
import { describeProblems, fileFlag, readEnvFile } from './config-pull.js';

export const configPush: Command = {
  name: 'config:push',
  summary: 'set config vars from a local .env file (only those that differ)',
  description: 'Reads KEY=value lines (`export ` prefixes, quotes and comments allowed) and sets every\nvar whose value differs from the app\'s. Vars missing from the file are left alone.',
  usage: 'config:push [-f FILE] [-a APP]',
  flags: { file: fileFlag },
  needsApp: true,
  examples: ['berth config:push', 'berth config:push --file .env.staging -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const name = ctx.string('file') ?? '.env';
    const path = resolve(ctx.io.cwd, name);
    const text = await readEnvFile(path);
    if (text === undefined) throw new CliError(`There is no ${name} here (${path}).`, { hint: 'Create it, or name another with --file.' });
    const { vars, problems } = parseDotenv(text);
    if (problems.length > 0) throw describeProblems(path, problems);
    const remote = await ctx.api.get<ConfigVarsJson>(appPath(app, '/config-vars'));
    const changed = Object.fromEntries(Object.entries(vars).filter(([k, v]) => !Object.hasOwn(remote, k) || remote[k] !== v));
    const names = Object.keys(changed);
    if (names.length === 0) return void ctx.print(`${app} already has every value in ${name}: nothing to set.`);
    await ctx.api.patch(appPath(app, '/config-vars'), changed);
    ctx.print(`Setting ${names.join(', ')} and restarting ${app}... ${await doneWithVersion(ctx.api, app)}`);
  },
};
