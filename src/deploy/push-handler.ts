// The git service's onPush (deploy layer): a push to main/master becomes a build streamed as `remote:` lines.
import type { GitPush, PushIo } from '../git/git-push.js';
import type { Store } from '../store/port.js';
import type { BuildService } from './build-service.js';

/**
 * A push to main or master: record a build (so `berth builds` and the builds API show it), run
 * it with every line streamed back as `remote:` output, and accept the push only when the
 * release went live.
 */
export function pushHandler(deps: { store: Store; builds: BuildService; gitUrl(appName: string): string }) {
  return async (push: GitPush, io: PushIo): Promise<{ ok: boolean }> => {
    const app = await deps.store.apps.findById(push.appId);
    if (!app) {
      io.write(' !     This app no longer exists.');
      return { ok: false };
    }
    const account = await deps.store.accounts.findById(push.accountId);
    const build = await deps.store.builds.create({
      appId: app.id,
      sourceBlob: { url: deps.gitUrl(app.name), checksum: null, version: push.deploy.newSha, versionDescription: null },
      buildpacks: [],
      user: account ? { id: account.id, email: account.email } : null,
      stack: app.stack,
    });
    const outcome = await deps.builds.run({
      app,
      build,
      source: { kind: 'git', commit: push.deploy.newSha, archive: (path) => push.archive(path) },
      output: (line) => io.write(line),
      signal: io.signal,
    });
    return { ok: outcome.ok };
  };
}
