// An app setup after its app exists: buildpacks, config, add-ons, build, release, formation and
// the postdeploy script, each through the API's own routes as the user who asked, in order.
import type { AppManifest } from '../core/app-manifest.js';
import type { Account, App } from '../core/model.js';
import type { AppSetupProgress } from '../store/port.js';
import type { ApiDeps } from './context.js';
import type { InternalApi } from './internal-api.js';

export interface SetupPlan {
  setupId: string;
  app: App;
  manifest: AppManifest;
  /** Config vars to set (overrides, values, generated secrets). */
  env: Record<string, string>;
  buildpacks: string[];
  /** The source as a signed URL of this Berth, and its version label. */
  sourceUrl: string;
  sourceVersion: string | null;
}

export interface SetupTimeouts {
  addonMs: number;
  buildMs: number;
  releaseMs: number;
  postdeployMs: number;
  pollMs: number;
}

export const DEFAULT_SETUP_TIMEOUTS: SetupTimeouts = { addonMs: 10 * 60_000, buildMs: 30 * 60_000, releaseMs: 60 * 60_000, postdeployMs: 60 * 60_000, pollMs: 250 };
/** The postdeploy output kept on the setup (the whole of it is in the app's logs). */
export const POSTDEPLOY_OUTPUT_BYTES = 64 * 1024;

type Json = Record<string, unknown>;

/** A step failed: the setup fails with this message (the app stays, for its logs). */
class SetupFailure extends Error {}

/** Runs the steps of one setup; never throws (the outcome is on the setup record). */
export async function runAppSetup(deps: ApiDeps, internal: InternalApi, account: Account, plan: SetupPlan, timeouts: SetupTimeouts = DEFAULT_SETUP_TIMEOUTS): Promise<void> {
  const { app, manifest } = plan;
  const record = (progress: AppSetupProgress) => deps.store.appSetups.update(plan.setupId, progress);
  const call = <T = Json>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, body?: Json) => internal.call<T>(account, method, `/apps/${app.id}${path}`, body);
  try {
    if (plan.buildpacks.length > 0) await call('PUT', '/buildpack-installations', { updates: plan.buildpacks.map((buildpack) => ({ buildpack })) });
    if (Object.keys(plan.env).length > 0) await call('PATCH', '/config-vars', plan.env);
    for (const [i, addon] of manifest.addons.entries()) {
      const created = await call('POST', '/addons', { plan: addon.plan, ...(addon.as ? { attachment: { name: addon.as } } : {}), ...(addon.options ? { config: addon.options } : {}) }).catch((err: unknown) => {
        throw new SetupFailure(`Add-on ${i + 1} (${addon.plan}) could not be created: ${message(err)}`);
      });
      await waitFor(timeouts, timeouts.addonMs, `add-on ${addon.plan} to be provisioned`, async () => {
        const state = (await call<Json>('GET', `/addons/${String(created.id)}`)).state;
        if (state === 'deprovisioned') throw new SetupFailure(`Add-on ${addon.plan} failed to provision.`);
        return state === 'provisioned';
      });
    }
    const build = await call<Json>('POST', '/builds', { source_blob: { url: plan.sourceUrl, version: plan.sourceVersion } });
    const buildId = String(build.id);
    await record({ buildId });
    const built = await waitFor(timeouts, timeouts.buildMs, 'the build to finish', async () => {
      const now = await call<Json>('GET', `/builds/${buildId}`);
      return now.status === 'pending' ? undefined : now;
    });
    if (built.status !== 'succeeded') throw new SetupFailure('The build failed; its output says why (berth builds:output, or the build output stream).');
    const releaseId = (built.release as { id?: string } | null)?.id;
    if (!releaseId) throw new SetupFailure('The build succeeded but made no release.');
    const release = await waitFor(timeouts, timeouts.releaseMs, 'the release phase to finish', async () => {
      const found = await deps.store.releases.findById(app.id, releaseId);
      return found && found.status !== 'pending' ? found : undefined;
    });
    if (release.status !== 'succeeded') throw new SetupFailure(`Release v${release.version} failed in its release phase; its output says why.`);
    const updates = Object.entries(manifest.formation).map(([type, f]) => ({ type, ...(f.quantity !== undefined ? { quantity: f.quantity } : {}), ...(f.size ? { size: f.size } : {}) }));
    if (updates.length > 0) await call('PATCH', '/formation', { updates });
    if (manifest.scripts.postdeploy) {
      const run = await deps.platform
        .runScript(app, release, manifest.scripts.postdeploy, { type: 'postdeploy', timeoutMs: timeouts.postdeployMs, maxOutputBytes: POSTDEPLOY_OUTPUT_BYTES })
        .catch((err: unknown) => {
          throw new SetupFailure(`The postdeploy script could not run: ${message(err)}`);
        });
      await record({ postdeploy: run });
      if (run.exitCode !== 0) throw new SetupFailure(`The postdeploy script \`${manifest.scripts.postdeploy}\` exited with status ${run.exitCode}.`);
    }
    const base = deps.urls.webUrl(app.name);
    const success = manifest.successUrl ? new URL(manifest.successUrl, base).toString() : base;
    await record({ status: 'succeeded', resolvedSuccessUrl: success });
    deps.logs.emit(app.id, 'api', `App setup succeeded`);
  } catch (err) {
    const why = err instanceof SetupFailure ? err.message : `The setup stopped: ${message(err)}`;
    await record({ status: 'failed', failureMessage: why }).catch(() => undefined);
    deps.logs.emit(app.id, 'api', `App setup failed: ${why}`);
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Polls `probe` until it gives a value (true counts), within `ms`; a timeout fails the setup naming `what`. */
async function waitFor<T>(timeouts: SetupTimeouts, ms: number, what: string, probe: () => Promise<T | undefined | false>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new SetupFailure(`Gave up waiting for ${what} after ${Math.round(ms / 1000)} s.`);
    await new Promise((resolve) => setTimeout(resolve, timeouts.pollMs));
  }
}
