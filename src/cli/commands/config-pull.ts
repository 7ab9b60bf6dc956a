import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { appPath } from '../api-client.js';
import type { ConfigVarsJson } from '../api-types.js';
import { CliError } from '../cli-error.js';
import type { Command } from '../command.js';
import { formatDotenv, parseDotenv } from '../dotenv.js';

export const fileFlag = { type: 'string', short: 'f', value: 'FILE', description: 'the .env file (default .env in this directory)' } as const;

/** The .env file's text, or undefined when there is none. */
export async function readEnvFile(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as { code?: unknown }).code === 'ENOENT') return undefined;
    throw new CliError(`Cannot read ${path}: ${(err as Error).message}`);
  }
}

export function describeProblems(path: string, problems: readonly { line: number; message: string }[]): CliError {
  const list = problems.slice(0, 5).map((p) => `${path}:${p.line}: ${p.message}`).join('\n');
  return new CliError(`Cannot read ${path}:\n${list}${problems.length > 5 ? `\n(and ${problems.length - 5} more)` : ''}`, { hint: 'Lines look like KEY=value; quote values with spaces or #.' });
}

export const configPull: Command = {
  name: 'config:pull',
  summary: "write an app's config vars into a local .env file",
  description: 'Values already in the file are kept unless --overwrite is given; new names are added.\nThe file is rewritten (comments are not kept) with mode 0600.',
  usage: 'config:pull [-f FILE] [--overwrite] [-a APP]',
  flags: {
    file: fileFlag,
    overwrite: { type: 'boolean', short: 'o', description: "replace values already in the file with the app's" },
  },
  needsApp: true,
  examples: ['berth config:pull', 'berth config:pull --file .env.staging --overwrite -a my-app'],
  async run(ctx) {
    const app = ctx.app();
    const path = resolve(ctx.io.cwd, ctx.string('file') ?? '.env');
    const remote = await ctx.api.get<ConfigVarsJson>(appPath(app, '/config-vars'));
    const text = await readEnvFile(path);
    const local = text === undefined ? { vars: {}, problems: [] } : parseDotenv(text);
    if (local.problems.length > 0) throw describeProblems(path, local.problems);
    const merged = ctx.bool('overwrite') ? { ...local.vars, ...remote } : { ...remote, ...local.vars };
    const kept = ctx.bool('overwrite') ? 0 : Object.keys(remote).filter((k) => Object.hasOwn(local.vars, k) && local.vars[k] !== remote[k]).length;
    const temp = `${path}.${randomUUID()}.tmp`;
    await writeFile(temp, formatDotenv(merged), { mode: 0o600 });
    await rename(temp, path);
    ctx.print(`Config for ${app} written to ${ctx.string('file') ?? '.env'}`);
    if (kept > 0) ctx.note(`Kept ${kept} local value${kept === 1 ? '' : 's'} that differ from ${app}'s; --overwrite replaces them.`);
  },
};
