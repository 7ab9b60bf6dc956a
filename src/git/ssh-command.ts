/**
 * What a git client asks an SSH server to run (`SSH_ORIGINAL_COMMAND`), decided without a shell:
 * `git-receive-pack '/my-app.git'` (push) or `git-upload-pack 'my-app.git'` (fetch, clone), the
 * path quoted as git quotes it, with or without the leading slash and `.git`. Anything else — an
 * empty command (a shell), another program, extra arguments, a path outside `/APP.git` — is
 * refused with the line the client shows.
 */
import type { GitRpcService } from './smart-http.js';

export type SshGitCommand =
  | { kind: 'git'; service: GitRpcService; app: string }
  | { kind: 'refused'; message: string };

// App names (`my-app`) or ids (UUIDs), as in git-route.ts; resolveApp decides which exist.
const COMMAND = /^(git-receive-pack|git-upload-pack|git receive-pack|git upload-pack) '\/?([a-z0-9][a-z0-9-]{0,63})(?:\.git)?\/?'$/;

export const ONLY_GIT =
  "Berth's SSH server only serves git push and fetch (git-receive-pack and git-upload-pack on /APP.git); it runs no shell or other command.";

export function parseSshGitCommand(command: string | undefined): SshGitCommand {
  if (command === undefined || command.trim() === '') return { kind: 'refused', message: `${ONLY_GIT} Use: git push ssh://git@HOST:PORT/APP.git main` };
  const match = COMMAND.exec(command);
  if (!match) {
    return /^git[- ](receive|upload)-pack /.test(command)
      ? { kind: 'refused', message: `Couldn't find that app: the git path must be /APP.git (e.g. ssh://git@HOST:PORT/my-app.git), not ${command.slice(command.indexOf(' ') + 1, 120)}.` }
      : { kind: 'refused', message: ONLY_GIT };
  }
  return { kind: 'git', service: (match[1] as string).replace(' ', '-') as GitRpcService, app: match[2] as string };
}
