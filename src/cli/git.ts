import { execFile } from 'node:child_process';
import { CliError } from './cli-error.js';
import { parseRemoteList, type GitRemote } from './git-url.js';

const GIT_TIMEOUT_MS = 15_000;

interface GitResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The few git commands the CLI needs, run with argv arrays (never a shell) in one directory. */
export class Git {
  constructor(readonly cwd: string) {}

  async isInsideWorkTree(): Promise<boolean> {
    const result = await this.run(['rev-parse', '--is-inside-work-tree']);
    return result.code === 0 && result.stdout.trim() === 'true';
  }

  async remoteUrl(name: string): Promise<string | undefined> {
    const result = await this.run(['remote', 'get-url', name]);
    return result.code === 0 ? result.stdout.trim() : undefined;
  }

  async remotes(): Promise<GitRemote[]> {
    const result = await this.run(['remote', '-v']);
    return result.code === 0 ? parseRemoteList(result.stdout) : [];
  }

  /** Adds the remote, or points the existing one at `url`. */
  async setRemote(name: string, url: string): Promise<'added' | 'updated' | 'unchanged'> {
    const current = await this.remoteUrl(name);
    if (current === url) return 'unchanged';
    await this.mustRun(current === undefined ? ['remote', 'add', name, url] : ['remote', 'set-url', name, url]);
    return current === undefined ? 'added' : 'updated';
  }

  async removeRemote(name: string): Promise<void> {
    await this.mustRun(['remote', 'remove', name]);
  }

  private async mustRun(args: string[]): Promise<void> {
    const result = await this.run(args);
    if (result.code !== 0) {
      throw new CliError(`\`git ${args.join(' ')}\` failed in ${this.cwd}: ${result.stderr.trim() || `exit code ${result.code}`}`);
    }
  }

  private run(args: string[]): Promise<GitResult> {
    return new Promise((resolve) => {
      execFile('git', args, { cwd: this.cwd, timeout: GIT_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve({ code: 0, stdout, stderr });
        const code = (err as { code?: unknown }).code;
        // ENOENT: git is not installed, or cwd is gone; both mean "no repository here".
        resolve({ code: typeof code === 'number' ? code : -1, stdout, stderr: stderr || err.message });
      });
    });
  }
}
