/** Runs tar, pg_dump or pg_restore for a backup: an argv array, a timeout, stderr in the error. */
import { execFile } from 'node:child_process';
import { BackupError } from './backup-error.js';

export function runTool(file: string, args: readonly string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: options.timeoutMs ?? 30 * 60_000, maxBuffer: 16 * 1024 * 1024, env: options.env ?? process.env }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      const detail = (stderr || err.message).trim().split('\n').slice(-3).join(' ');
      reject(new BackupError('tool_failed', `${file} failed: ${detail}`));
    });
  });
}
