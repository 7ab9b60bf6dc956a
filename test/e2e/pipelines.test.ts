// Pipelines end to end, through `bin/berth up`: a two-stage pipeline promotes the exact slug
// (same slug id on both apps, configs apart, no build on the target) with the berth CLI and with
// the official heroku CLI; a target whose release phase fails keeps its release and the promotion
// says so; a promotion to an app that is mid-deploy waits for that deploy; pipelines:diff lists
// the commits between the stages from the app's git repository.
import { before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.js';
import { captureIo } from '../cli/capture-io.js';
import { api, testEnv } from '../support/berth-process.js';
import { processesOf, useBerth } from '../support/e2e-harness.js';
import { startGitDaemon, type GitDaemon } from '../support/git-daemon.js';
import type { AppRepo } from '../support/git-push.js';
import { repoRoot } from '../support/repo-root.js';
import { routerGet } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

const HEROKU = join(repoRoot(), 'node_modules', '.bin', 'heroku');

interface ReleaseJson { id: string; version: number; status: string; current: boolean; slug: { id: string } | null; created_at: string }
interface BuildJson { id: string; status: string; updated_at: string }

describe('pipelines promote the exact slug between stages', () => {
  // The slow buildpack of the last test is served by a git daemon on 127.0.0.1.
  const berth = useBerth({ args: ['--stop-grace-ms', '2000', '--allow-private-urls', '127.0.0.0/8'] });
  let home: string;
  let staging: string;
  let production: string;
  let stagingRepo: AppRepo;

  const releases = async (app: string) => (await api(berth, `/apps/${app}/releases`)).body as ReleaseJson[];
  const current = async (app: string) => (await releases(app)).find((r) => r.current);
  const builds = async (app: string) => (await api(berth, `/apps/${app}/builds`)).body as BuildJson[];
  const setConfig = async (app: string, vars: Record<string, string | null>) => {
    const reply = await api(berth, `/apps/${app}/config-vars`, { method: 'PATCH', body: JSON.stringify(vars) });
    assert.equal(reply.status, 200, JSON.stringify(reply.body));
  };
  const configOf = async (app: string) => (await api(berth, `/apps/${app}/config-vars`)).body as Record<string, string>;
  /** The berth CLI in-process, as the admin. */
  async function berthCli(args: string[]) {
    const captured = captureIo({ env: { BERTH_API_URL: `http://localhost:${berth.runtime.api_port}`, BERTH_API_KEY: berth.adminKey, HOME: home, NO_COLOR: '1' }, cwd: home });
    const code = await runCli(args, captured.io);
    return { code, stdout: captured.stdout(), stderr: captured.stderr() };
  }
  /** The official CLI, offline and out of the real home (as test/e2e/heroku-cli-spine.test.ts). */
  function heroku(t: TestContext, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const base = testEnv();
    for (const name of Object.keys(base)) if (name.startsWith('HEROKU_')) delete base[name];
    const apiUrl = `http://localhost:${berth.runtime.api_port}`;
    const env = {
      ...base,
      HOME: home,
      XDG_CONFIG_HOME: join(home, '.config'),
      XDG_CACHE_HOME: join(home, '.cache'),
      XDG_DATA_HOME: join(home, '.local', 'share'),
      HEROKU_HOST: apiUrl,
      HEROKU_API_KEY: berth.adminKey,
      HEROKU_PARTICLEBOARD_URL: apiUrl,
      DISABLE_TELEMETRY: 'true',
      HEROKU_SKIP_NEW_VERSION_CHECK: 'true',
      HEROKU_DISABLE_AUTOUPDATE: 'true',
      CI: 'true',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    };
    return new Promise((resolve, reject) => {
      const child = execFile(HEROKU, args, { env, cwd: home, timeout: 90_000, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
        const code = error ? error.code : 0;
        t.diagnostic(`heroku ${args.join(' ')}: exit ${String(code)}`);
        if (typeof code !== 'number') return reject(new Error(`heroku ${args.join(' ')} did not exit normally: ${error?.message}\n${stdout}\n${stderr}`));
        resolve({ code, stdout, stderr });
      });
      child.stdin?.end();
    });
  }
  const flat = (text: string) => text.replace(/›/g, ' ').replace(/\s+/g, ' ').trim();

  before(async () => {
    home = await berth.tempDir('pipelines-e2e');
    staging = await berth.createApp('pl-staging');
    production = await berth.createApp('pl-prod');
    await setConfig(staging, { FIXTURE_NAME: 'staging' });
    await setConfig(production, { FIXTURE_NAME: 'production' });
    stagingRepo = await berth.repo(staging, 'release-phase');
    const pushed = await stagingRepo.push();
    assert.equal(pushed.code, 0, pushed.stdout + pushed.stderr);
  });

  it('berth pipelines:promote releases the staging slug on production with production\'s config, without a build', async () => {
    const created = await berthCli(['pipelines:create', 'shop', '-a', staging, '-s', 'staging']);
    assert.equal(created.code, 0, created.stderr);
    assert.equal((await berthCli(['pipelines:add', 'shop', '-a', production, '-s', 'production'])).code, 0);
    const promoted = await berthCli(['pipelines:promote', '-a', staging]);
    assert.equal(promoted.code, 0, promoted.stdout + promoted.stderr);
    assert.match(promoted.stdout, new RegExp(`Promotion successful\\n${production}:\\s+succeeded`));

    const source = await current(staging);
    const target = await current(production);
    assert.ok(source?.slug && target?.slug);
    assert.equal(target.slug.id, source.slug.id, 'the same slug id on both apps');
    assert.equal((await builds(production)).length, 0, 'no build ran for production');
    assert.equal((await configOf(production)).FIXTURE_NAME, 'production');
    assert.equal((await configOf(staging)).FIXTURE_NAME, 'staging');
    await waitFor('production to serve the promoted slug', async () => (await routerGet(berth, production, '/')).body === 'production ok /\n' || undefined, 60_000);
    assert.equal((await routerGet(berth, staging, '/')).body, 'staging ok /\n');
  });

  it('berth pipelines:diff lists the commits staging has that production lacks', async () => {
    const same = await berthCli(['pipelines:diff', '-a', staging]);
    assert.equal(same.stdout, `${staging} is up to date with ${production}.\n`);
    await stagingRepo.push();
    const second = await stagingRepo.push();
    assert.equal(second.code, 0, second.stdout + second.stderr);
    const diff = await berthCli(['pipelines:diff', '-a', staging]);
    assert.equal(diff.code, 0, diff.stderr);
    assert.match(diff.stdout, new RegExp(`${staging} is ahead of ${production} by 2 commits`));
    assert.match(diff.stdout, new RegExp(`${second.sha.slice(0, 7)} .* Berth Test +commit 3`));
  });

  it('heroku pipelines:promote (the official CLI) promotes the exact slug too, and pipelines:info shows the stages', async (t) => {
    const promoted = await heroku(t, ['pipelines:promote', '-a', staging]);
    assert.equal(promoted.code, 0, flat(promoted.stdout + promoted.stderr));
    assert.match(flat(promoted.stdout), /Promotion successful/);
    assert.match(flat(promoted.stdout), new RegExp(`${production}: succeeded`));
    assert.equal((await current(production))?.slug?.id, (await current(staging))?.slug?.id);
    assert.equal((await configOf(production)).FIXTURE_NAME, 'production');

    const info = await heroku(t, ['pipelines:info', 'shop']);
    assert.equal(info.code, 0, flat(info.stdout + info.stderr));
    assert.match(flat(info.stdout), new RegExp(`${staging} staging ${production} production`));
    const list = await heroku(t, ['pipelines', '--json']);
    assert.deepEqual((JSON.parse(list.stdout) as Array<{ name: string }>).map((p) => p.name), ['shop']);
  });

  it('heroku pipelines:create, add, update, rename, remove and destroy manage pipelines; pipelines:diff asks GitHub and says the app is not connected', async (t) => {
    const dev = await berth.createApp('pl-dev');
    const created = await heroku(t, ['pipelines:create', 'blog', '-a', dev, '-s', 'development']);
    assert.equal(created.code, 0, flat(created.stdout + created.stderr));
    const coupling = (await api(berth, `/apps/${dev}/pipeline-couplings`)).body as { stage: string; pipeline: { name: string } };
    assert.deepEqual({ stage: coupling.stage, pipeline: coupling.pipeline.name }, { stage: 'development', pipeline: 'blog' });
    const twice = await heroku(t, ['pipelines:add', 'shop', '-a', dev, '-s', 'staging']);
    assert.notEqual(twice.code, 0);
    assert.match(flat(twice.stderr), /already in pipeline blog \(stage development\)/);
    const diff = await heroku(t, ['pipelines:diff', '-a', staging]);
    assert.notEqual(diff.code, 0, 'the official pipelines:diff needs a GitHub connection');
    assert.match(flat(diff.stderr), /does not seem to be connected to GitHub/);
    const updated = await heroku(t, ['pipelines:update', '-a', dev, '-s', 'staging']);
    assert.equal(updated.code, 0, flat(updated.stdout + updated.stderr));
    assert.equal(((await api(berth, `/apps/${dev}/pipeline-couplings`)).body as { stage: string }).stage, 'staging');
    const renamed = await heroku(t, ['pipelines:rename', 'blog', 'blog-two']);
    assert.equal(renamed.code, 0, flat(renamed.stdout + renamed.stderr));
    assert.equal((await api(berth, '/pipelines/blog-two')).status, 200);
    const removed = await heroku(t, ['pipelines:remove', '-a', dev]);
    assert.equal(removed.code, 0, flat(removed.stdout + removed.stderr));
    assert.equal((await api(berth, `/apps/${dev}/pipeline-couplings`)).status, 404);
    const destroyed = await heroku(t, ['pipelines:destroy', 'blog-two']);
    assert.equal(destroyed.code, 0, flat(destroyed.stdout + destroyed.stderr));
    assert.equal((await api(berth, '/pipelines/blog-two')).status, 404);
  });

  it('a target whose release phase fails keeps its release and the promotion says so, while another target succeeds', async () => {
    const europe = await berth.createApp('pl-prod-eu');
    await setConfig(europe, { RELEASE_SHOULD_FAIL: '1' });
    assert.equal((await berthCli(['pipelines:add', 'shop', '-a', europe, '-s', 'production'])).code, 0);
    const before = await current(europe);
    const promoted = await berthCli(['pipelines:promote', '-a', staging]);
    assert.equal(promoted.code, 1);
    assert.match(promoted.stdout, new RegExp(`${production}:\\s+succeeded`));
    assert.match(promoted.stdout, new RegExp(`${europe}:\\s+failed: Release v\\d+ failed: the release command \`node migrate.js\` exited with status 1; the previous release keeps running\\.`));
    assert.equal((await current(europe))?.id, before?.id, 'the failed target keeps its old release');
    assert.equal((await current(production))?.slug?.id, (await current(staging))?.slug?.id);
    assert.equal((await berthCli(['pipelines:remove', '-a', europe])).code, 0);
  });

  it('a promotion to an app that is mid-deploy waits until that deploy ends, then releases', async () => {
    const daemon: GitDaemon = await startGitDaemon({ 'slow-buildpack': join(repoRoot(), 'test', 'fixtures', 'apps', 'slow-build', 'buildpack') });
    berth.onShutDown(() => daemon.stop());
    const set = await api(berth, `/apps/${production}/buildpack-installations`, { method: 'PUT', body: JSON.stringify({ updates: [{ buildpack: daemon.url('slow-buildpack') }] }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const productionRepo = await berth.repo(production, 'procfile-web');
    const pushing = productionRepo.push();
    const building = await waitFor('the slow build of production to sleep in bin/compile', async () => {
      const list = await builds(production);
      const failed = list.find((b) => b.status === 'failed');
      if (failed) throw new Error(`the slow build failed instead: ${JSON.stringify(failed)}`);
      const pending = list.find((b) => b.status === 'pending');
      const output = pending && (await readFile(join(berth.dataDir, 'outputs', `build-${pending.id}.log`), 'utf8').catch(() => ''));
      return pending && output?.includes('Compiling slowly') ? pending : undefined;
    }, 120_000);
    await waitFor('the build dyno to sleep', async () => (await processesOf(berth.dataDir)).some((p) => p.includes('sleep 600')), 30_000);

    const couplings = (await api(berth, `/apps/${staging}/pipeline-couplings`)).body as { pipeline: { id: string }; app: { id: string } };
    const productionId = ((await api(berth, `/apps/${production}`)).body as { id: string }).id;
    const posted = await api(berth, '/pipeline-promotions', { method: 'POST', body: JSON.stringify({ pipeline: { id: couplings.pipeline.id }, source: { app: { id: couplings.app.id } }, targets: [{ app: { id: productionId } }] }) });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const promotionId = (posted.body as { id: string }).id;

    const cancelled = await api(berth, `/apps/${production}/builds/${building.id}`, { method: 'DELETE' });
    assert.ok(cancelled.status < 300, JSON.stringify(cancelled.body));
    await pushing;
    const [target] = await waitFor('the queued promotion to finish', async () => {
      const targets = (await api(berth, `/pipeline-promotions/${promotionId}/promotion-targets`)).body as Array<{ status: string; release: { id: string } | null }>;
      return targets.every((t) => t.status !== 'pending') && targets;
    }, 60_000);
    assert.equal(target?.status, 'succeeded');
    const build = (await builds(production)).find((b) => b.id === building.id);
    const release = (await releases(production)).find((r) => r.id === target?.release?.id);
    assert.equal(build?.status, 'failed');
    assert.ok(release && build && release.created_at >= build.updated_at, `the promotion released after the build ended (release ${release?.created_at}, build ${build?.updated_at})`);
    assert.equal(release?.slug?.id, (await current(staging))?.slug?.id);
  });
});
