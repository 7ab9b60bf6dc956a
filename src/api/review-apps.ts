// Review apps: a branch pushed to an app whose pipeline has review apps on becomes its own app
// in the review stage (an app setup from app.json's `environments.review`); later pushes build
// it again; deleting the branch, or no push for the pipeline's stale days, destroys it after
// app.json's `pr-predestroy` script.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parseAppManifest } from '../core/app-manifest.js';
import type { Account } from '../core/model.js';
import { reviewAppName } from '../core/review-app-name.js';
import type { ReviewApp } from '../store/port.js';
import { BLOB_URL_TTL_SECONDS, signedUrl } from './capability-url.js';
import type { ApiDeps } from './context.js';
import type { InternalApi } from './internal-api.js';
import { readTarballFiles } from './tarball-files.js';

/** A push of branches other than main/master, as the git service reports it. */
export interface ReviewAppPush {
  appId: string;
  accountId: string;
  branches: Array<{ branch: string; newSha: string; deleted: boolean }>;
  /** Writes the tree of `commit` as a .tar.gz to `path`. */
  archive(path: string, commit: string): Promise<void>;
}

const PREDESTROY_TIMEOUT_MS = 10 * 60_000;
const OUTPUT_BYTES = 64 * 1024;
const MANIFEST_BYTES = 512 * 1024;
const SCAN_BYTES = 2 * 1024 * 1024 * 1024;

export class ReviewApps {
  constructor(private readonly deps: ApiDeps, private readonly internal: InternalApi) {}

  /**
   * Handles the branches of a push (during the push: `write` shows lines to the pusher). Resolves
   * false when the app's pipeline has no review apps (the push is then just stored).
   */
  async onBranches(push: ReviewAppPush, write: (line: string) => void): Promise<boolean> {
    const { store } = this.deps;
    const coupling = await store.pipelineCouplings.findByApp(push.appId);
    const config = coupling ? await store.reviewApps.config(coupling.pipelineId) : undefined;
    const account = await store.accounts.findById(push.accountId);
    if (!coupling || !config || !account || coupling.stage === 'review') return false;
    for (const update of push.branches) {
      const existing = await store.reviewApps.findByBranch(coupling.pipelineId, update.branch);
      try {
        if (update.deleted) {
          if (!existing) continue;
          write(`-----> Destroying the review app of branch ${update.branch} (the branch was deleted)...`);
          await this.destroy(existing, write);
        } else if (existing) await this.update(existing, update.newSha, push, write);
        else await this.create(account, coupling.pipelineId, update.branch, update.newSha, push, write);
      } catch (err) {
        write(` !     The review app of branch ${update.branch} could not be ${update.deleted ? 'destroyed' : 'set up'}: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    return true;
  }

  /** Destroys a review app: its `pr-predestroy` script first (output to `write`), then the app. */
  async destroy(review: ReviewApp, write: (line: string) => void = () => undefined): Promise<void> {
    const { store, platform } = this.deps;
    const app = await store.apps.findById(review.appId);
    if (!app) return;
    const release = await store.releases.current(app.id);
    if (review.predestroy && release?.slugId) {
      write(`       Running pr-predestroy: ${review.predestroy}`);
      const run = await platform.runScript(app, release, review.predestroy, { type: 'predestroy', timeoutMs: PREDESTROY_TIMEOUT_MS, maxOutputBytes: OUTPUT_BYTES }).catch((err: unknown) => {
        write(` !     pr-predestroy could not run: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      });
      for (const line of run?.output.replace(/\n$/, '').split('\n') ?? []) if (line) write(`       ${line}`);
      if (run) write(`       pr-predestroy exited with status ${run.exitCode}`);
    }
    const owner = await store.accounts.findById(app.ownerId);
    if (!owner) throw new Error(`review app ${app.name} has no owner`);
    await this.internal.call(owner, 'DELETE', `/apps/${app.id}`);
    write(`-----> Destroyed review app ${app.name}`);
  }

  /** Destroys every review app whose last push is older than its pipeline's stale days; resolves with how many. */
  async sweep(now: Date): Promise<number> {
    let destroyed = 0;
    for (const review of await this.deps.store.reviewApps.stale(now)) {
      await this.destroy(review).then(
        () => (destroyed += 1),
        (err: unknown) => this.deps.log({ at: 'error', msg: 'stale review app not destroyed', review_app: review.id, error: err instanceof Error ? err.message : String(err) }),
      );
    }
    return destroyed;
  }

  private async create(account: Account, pipelineId: string, branch: string, commit: string, push: ReviewAppPush, write: (line: string) => void): Promise<void> {
    const { store, urls } = this.deps;
    const source = await store.apps.findById(push.appId);
    if (!source) return;
    const name = reviewAppName(source.name, branch);
    const { url, manifestText } = await this.upload(push, commit);
    const setup = await this.internal.call<{ id: string; status: string; app: { id: string; name: string } | null; manifest_errors: string[]; failure_message: string | null }>(
      account,
      'POST',
      '/app-setups',
      { app: { name, stack: source.buildStack }, source_blob: { url, version: commit }, environment: 'review' },
    );
    if (!setup.app) {
      write(` !     No review app for branch ${branch}: ${setup.failure_message ?? 'the app setup failed'}`);
      return;
    }
    await store.pipelineCouplings.create({ pipelineId, appId: setup.app.id, stage: 'review' });
    const predestroy = parseAppManifest(manifestText ?? '{}', 'review').manifest.scripts['pr-predestroy'] ?? null;
    await store.reviewApps.create({ pipelineId, appId: setup.app.id, sourceAppId: source.id, branch, commit, creatorId: account.id, setupId: setup.id, predestroy });
    write(`-----> Creating review app ${setup.app.name} for branch ${branch}: ${urls.webUrl(setup.app.name)}`);
    write(`       It builds and releases in the background: berth reviewapps -a ${source.name}`);
  }

  private async update(review: ReviewApp, commit: string, push: ReviewAppPush, write: (line: string) => void): Promise<void> {
    const { store, urls } = this.deps;
    const app = await store.apps.findById(review.appId);
    const owner = app ? await store.accounts.findById(app.ownerId) : undefined;
    if (!app || !owner) return;
    const { url } = await this.upload(push, commit);
    const build = await this.internal.call<{ id: string }>(owner, 'POST', `/apps/${app.id}/builds`, { source_blob: { url, version: commit } });
    await store.reviewApps.pushed(review.id, commit);
    write(`-----> Updating review app ${app.name} (build ${build.id}): ${urls.webUrl(app.name)}`);
  }

  /** The pushed commit as a source of this Berth (a signed get URL), and its app.json text. */
  private async upload(push: ReviewAppPush, commit: string): Promise<{ url: string; manifestText: string | undefined }> {
    const dir = await mkdtemp(join(tmpdir(), 'berth-review-'));
    try {
      const path = join(dir, 'source.tar.gz');
      await push.archive(path, commit);
      const key = `sources/${randomUUID()}.tgz`;
      await this.deps.blobs.put(key, createReadStream(path));
      const files = await readTarballFiles(createReadStream(path), ['app.json'], { maxFileBytes: MANIFEST_BYTES, maxScanBytes: SCAN_BYTES });
      return { url: signedUrl(this.deps, 'GET', `/blobs/${key}`, BLOB_URL_TTL_SECONDS), manifestText: files.get('app.json') };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}
