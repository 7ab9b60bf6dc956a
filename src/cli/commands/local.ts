import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseProcfile, ProcfileError } from '../../core/procfile.js';
import { CliError, UsageError } from '../cli-error.js';
import type { Command } from '../command.js';
import { parseDotenv } from '../dotenv.js';
import { planLocalProcesses } from '../local-plan.js';
import { runLocal } from '../local-runner.js';

/** Ctrl-C, a service manager's stop, and the terminal going away all stop every process. */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export const local: Command = {
  name: 'local',
  aliases: ['local:start'],
  summary: 'run the Procfile on this machine, with .env, as `heroku local` does',
  description:
    'Starts every process type of the Procfile (but release), or the ones named, with your\n' +
    'environment plus the .env file and PORT per process (5000 for the first type, 5100 for the\n' +
    'next, …; -p changes the base). Output is prefixed with the time and the process name. A\n' +
    'process that exits is reported and the others keep running; Ctrl-C or SIGTERM stops all\n' +
    '(SIGTERM, then SIGKILL after 5 s).',
  usage: 'local [TYPE | TYPE,TYPE | TYPE=N,...] [-f PROCFILE] [-e ENV_FILE] [-p PORT]',
  args: [{ name: 'TYPES', required: false, description: 'web, web,worker or web=2,worker=1 (default: all)' }],
  flags: {
    procfile: { type: 'string', short: 'f', value: 'FILE', description: 'the Procfile to run (default ./Procfile)' },
    env: { type: 'string', short: 'e', value: 'FILE', description: 'the env file (default ./.env; a missing default is fine)' },
    port: { type: 'string', short: 'p', value: 'PORT', description: 'base port (default PORT from the env file or environment, else 5000)' },
  },
  examples: ['berth local', 'berth local web', 'berth local web=2,worker=1 -p 3000', 'berth local -e .env.test'],
  async run(ctx) {
    const procfilePath = resolve(ctx.io.cwd, ctx.string('procfile') ?? 'Procfile');
    const procfileText = await readText(procfilePath, 'No Procfile at', 'Run it where your Procfile is, or pass -f FILE.');
    let types;
    try {
      types = parseProcfile(procfileText);
    } catch (err) {
      if (err instanceof ProcfileError) throw new CliError(`${procfilePath}: ${err.message}`);
      throw err;
    }
    const envFlag = ctx.string('env');
    const envPath = resolve(ctx.io.cwd, envFlag ?? '.env');
    const envText = await readText(envPath, 'No env file at', 'Pass an existing file with -e, or leave -e out.').catch((err: unknown) => {
      if (envFlag === undefined) return '';
      throw err;
    });
    const dotenv = parseDotenv(envText);
    for (const problem of dotenv.problems) ctx.note(`Warning: ${envPath} line ${problem.line}: ${problem.message}`);
    const env = { ...ctx.io.env, ...dotenv.vars };
    const portText = ctx.string('port') ?? env.PORT ?? '5000';
    const basePort = Number(portText);
    if (!/^\d+$/.test(portText) || basePort < 1 || basePort > 65535) throw new UsageError(`Port ${JSON.stringify(portText)} is invalid: use 1-65535.`);
    const processes = planLocalProcesses(types, ctx.args[0], basePort);

    const stop = new AbortController();
    const onSignal = () => stop.abort();
    for (const signal of SIGNALS) process.on(signal, onSignal);
    try {
      return await runLocal({ processes, cwd: resolve(procfilePath, '..'), env, out: ctx.io.stdout, colours: ctx.colours.out, stop: stop.signal });
    } finally {
      for (const signal of SIGNALS) process.off(signal, onSignal);
    }
  },
};

async function readText(path: string, missing: string, hint: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new CliError(`${missing} ${path}.`, { hint });
    throw err;
  }
}
