import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { berthExecutable } from './berth-executable.js';
import { CliError } from './cli-error.js';
import { runProgram } from './doctor-probes.js';

/** Where `service:*` put the unit. */
export const UNIT_DIR = '/etc/systemd/system';

/** systemd runs this machine when /run/systemd/system exists (what sd_booted(3) checks). */
export async function systemdRunning(): Promise<boolean> {
  return access('/run/systemd/system').then(() => true, () => false);
}

export function requireRoot(action: string): void {
  if (process.getuid?.() !== 0) throw new CliError(`${action} needs root.`, { hint: 'Run it with sudo.' });
}

export async function systemctl(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return runProgram('systemctl', args, env);
}

export async function mustSystemctl(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  const result = await systemctl(args, env);
  if (result.code !== 0) throw new CliError(`\`systemctl ${args.join(' ')}\` failed: ${result.stderr.trim() || `exit code ${result.code}`}`);
}

/** The foreground command to run where there is no systemd (under another supervisor, or nohup). */
export function foregroundCommand(dataDir: string, upArgs: readonly string[]): string {
  const shellWord = (w: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`);
  return [berthExecutable(), 'up', '--data-dir', dataDir, ...upArgs].map(shellWord).join(' ');
}

/** bin/berth's repository, node's directory on PATH first. */
export function installLayout(): { berthPath: string; workDir: string; path: string } {
  const berthPath = berthExecutable();
  return { berthPath, workDir: dirname(dirname(berthPath)), path: `${dirname(process.execPath)}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin` };
}
