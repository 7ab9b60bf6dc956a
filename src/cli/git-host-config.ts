import { execFile } from 'node:child_process';
import { CliError } from './cli-error.js';

const GIT_TIMEOUT_MS = 15_000;

/** What the global git config says for one Berth git host (`https://host:port/`). */
export interface GitHostSettings {
  /** `credential.<prefix>.helper` values, in order. */
  helpers: string[];
  /** `http.<prefix>.sslCAInfo`, if set. */
  caFile: string | undefined;
}

/**
 * The user's global git config (`git config --global`, in the HOME of `env`), for exactly one
 * URL prefix at a time: a credential helper list that starts with "" (git's reset, so helpers
 * set for every host are not asked for this one) and then `berth git:credentials`, and the CA
 * file git trusts for that host only. Nothing else in the file is touched.
 */
export class GitHostConfig {
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  async read(prefix: string): Promise<GitHostSettings> {
    const helpers = await this.git(['config', '--global', '--get-all', `credential.${prefix}.helper`], [1]);
    const ca = await this.git(['config', '--global', '--get', `http.${prefix}.sslCAInfo`], [1]);
    const caFile = ca.trim();
    return { helpers: helpers === '' ? [] : helpers.replace(/\n$/, '').split('\n'), caFile: caFile === '' ? undefined : caFile };
  }

  /** Sets the helper and CA for `prefix`; answers whether anything changed. */
  async configure(prefix: string, helperCommand: string, caFile: string | undefined): Promise<boolean> {
    const current = await this.read(prefix);
    const helpersOk = current.helpers.length === 2 && current.helpers[0] === '' && current.helpers[1] === helperCommand;
    if (helpersOk && current.caFile === caFile) return false;
    if (!helpersOk) {
      await this.git(['config', '--global', '--unset-all', `credential.${prefix}.helper`], [5]);
      await this.git(['config', '--global', '--add', `credential.${prefix}.helper`, '']);
      await this.git(['config', '--global', '--add', `credential.${prefix}.helper`, helperCommand]);
    }
    if (caFile === undefined) await this.git(['config', '--global', '--unset-all', `http.${prefix}.sslCAInfo`], [5]);
    else await this.git(['config', '--global', `http.${prefix}.sslCAInfo`, caFile]);
    return true;
  }

  /** Removes what `configure` set for `prefix`. */
  async unconfigure(prefix: string): Promise<void> {
    await this.git(['config', '--global', '--unset-all', `credential.${prefix}.helper`], [5]);
    await this.git(['config', '--global', '--unset-all', `http.${prefix}.sslCAInfo`], [5]);
  }

  /** Runs git; exit codes in `benign` (nothing found, nothing to unset) count as empty output. */
  private git(args: string[], benign: number[] = []): Promise<string> {
    return new Promise((resolve, reject) => {
      execFile('git', args, { env: this.env, timeout: GIT_TIMEOUT_MS, encoding: 'utf8' }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const code = (err as { code?: unknown }).code;
        if (typeof code === 'number' && benign.includes(code)) return resolve('');
        const why = code === 'ENOENT' ? 'git is not installed' : stderr.trim() || err.message;
        reject(new CliError(`\`git ${args.join(' ')}\` failed: ${why}`));
      });
    });
  }
}

/** Single quotes for a POSIX shell (git runs `!` helpers through one). */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}
