/**
 * Wires git over SSH (src/ssh) to the control plane: keys are looked up in the store by their
 * SHA256 fingerprint, commands go to the git service (the same access check and push pipeline as
 * HTTPS). A port of 0 is picked here. When SSH cannot start (no sshd, no git user, the port taken)
 * Berth runs without it and says why: HTTPS git keeps working.
 */
import { join } from 'node:path';
import { parseSshPublicKey } from '../accounts/ssh-public-key.js';
import { freePort } from '../addons/free-port.js';
import type { GitService } from '../git/git-service.js';
import { startSshGit as startSsh, type SshGit } from '../ssh/ssh-git-server.js';
import type { Store } from '../store/port.js';
import { instancePrefix } from './agent-paths.js';
import type { UpOptions } from './options.js';

export async function startSshGit(deps: {
  options: UpOptions;
  dataDir: string;
  store: Store;
  git: GitService;
  log: (event: Record<string, unknown>) => void;
}): Promise<SshGit | undefined> {
  const { options, store, git, log } = deps;
  const bind = options.bind === '' ? '0.0.0.0' : options.bind.replace(/^\[(.*)\]$/, '$1');
  try {
    const port = options.sshPort === 0 ? await freePort(bind) : (options.sshPort as number);
    return await startSsh({
      sshDir: join(deps.dataDir, 'ssh'),
      gateDir: join('/run/berth-ssh', instancePrefix(deps.dataDir)),
      bind,
      port,
      nodePath: process.execPath,
      log,
      gate: {
        async accountForKey(key) {
          let sha256: string;
          try {
            sha256 = parseSshPublicKey(key).sha256;
          } catch {
            return undefined;
          }
          return (await store.sshKeys.findBySha256(sha256))?.accountId;
        },
        serveGit: (request, streams) => git.serveSsh(request, streams),
      },
    });
  } catch (err) {
    log({ at: 'warn', msg: `git over SSH is off: ${err instanceof Error ? err.message : String(err)} (start with --ssh-port off to silence this)` });
    return undefined;
  }
}
