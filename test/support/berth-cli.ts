// The berth CLI (bin/berth) as a user runs it, against a Berth started by a test.
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BerthProcess } from './berth-process.js';
import { testEnv } from './berth-process.js';
import { repoRoot } from './repo-root.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/berth ARGS` with the admin's key (or `key`) in `cwd` (default: the temp dir, never this repository); resolves with its exit code and output. */
export function berthCli(berth: Pick<BerthProcess, 'apiUrl' | 'adminKey'>, args: string[], options: { cwd?: string; key?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = testEnv({ BERTH_API_URL: berth.apiUrl, BERTH_API_KEY: options.key ?? berth.adminKey, NO_COLOR: '1' });
    const child = execFile(join(repoRoot(), 'bin', 'berth'), args, { env, cwd: options.cwd ?? tmpdir(), timeout: options.timeoutMs ?? 120_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? error.code : 0;
      if (typeof code !== 'number') return reject(new Error(`berth ${args.join(' ')} did not exit normally (${error?.message})\n${stdout}\n${stderr}`));
      resolve({ code, stdout, stderr });
    });
    child.stdin?.end();
  });
}
