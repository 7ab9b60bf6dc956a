// The official `heroku` CLI (devDependency heroku@11) as a child process against a Berth API,
// with the environment the banner prints plus what keeps it off the network and out of the real
// home: no telemetry, no update checks, credentials in a temp HOME's .netrc.

import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './berth-process.js';
import { repoRoot } from './repo-root.js';

export const HEROKU = join(repoRoot(), 'node_modules', '.bin', 'heroku');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface HerokuCliOptions {
  apiUrl: string;
  home: string;
  /** HEROKU_API_KEY; without it the CLI uses the login saved in HOME's .netrc. */
  apiKey?: string;
  cwd?: string;
  env?: Record<string, string>;
  /** Default 60 s (pg:* against a loaded box may need more). */
  timeoutMs?: number;
}

/** The CLI's environment: only what Berth's banner and `berth heroku-env` set, plus isolation. */
export function herokuEnv(o: HerokuCliOptions): NodeJS.ProcessEnv {
  const base = testEnv();
  for (const name of Object.keys(base)) if (name.startsWith('HEROKU_')) delete base[name];
  for (const name of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_CONFIG_GLOBAL']) delete base[name];
  return {
    ...base,
    HOME: o.home,
    XDG_CONFIG_HOME: join(o.home, '.config'),
    XDG_CACHE_HOME: join(o.home, '.cache'),
    XDG_DATA_HOME: join(o.home, '.local', 'share'),
    HEROKU_HOST: o.apiUrl,
    ...(o.apiKey ? { HEROKU_API_KEY: o.apiKey } : {}),
    HEROKU_PARTICLEBOARD_URL: o.apiUrl,
    HEROKU_NETRC_WRITE: 'true',
    DISABLE_TELEMETRY: 'true',
    HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
    HEROKU_DISABLE_AUTOUPDATE: 'true',
    CI: 'true',
    NO_COLOR: '1',
    FORCE_COLOR: '0',
    ...o.env,
  };
}

/** Runs `heroku ARGS` (argv, `timeoutMs`, default 60 s); `input` is written to its stdin, which then closes. */
export function runHeroku(o: HerokuCliOptions, args: string[], input = ''): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(HEROKU, args, { env: herokuEnv(o), cwd: o.cwd ?? o.home, timeout: o.timeoutMs ?? 60_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (typeof code !== 'number') return reject(new Error(`heroku ${args.join(' ')} did not exit normally: ${error?.message}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** oclif wraps messages to the terminal width and prefixes them with `›`: one line, single spaces. */
export const flat = (text: string): string => text.replace(/›/g, ' ').replace(/\s+/g, ' ').trim();

export const describeResult = (r: CliResult): string => `exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`;

/**
 * Runs `heroku ARGS` answering its prompts: each answer is typed once its prompt (a pattern over
 * everything printed so far) has appeared; stdin closes after the last one.
 */
export function runHerokuPrompted(o: HerokuCliOptions, args: string[], answers: Array<{ prompt: RegExp; answer: string }>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(HEROKU, args, { env: herokuEnv(o), cwd: o.cwd ?? o.home, timeout: 60_000 });
    let stdout = '';
    let stderr = '';
    let next = 0;
    const offer = () => {
      const pending = answers[next];
      if (!pending || !pending.prompt.test(stdout + stderr)) return;
      next += 1;
      child.stdin.write(`${pending.answer}\n`);
      if (next === answers.length) child.stdin.end();
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; offer(); });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; offer(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === null) return reject(new Error(`heroku ${args.join(' ')} ended by ${signal}\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
  });
}
