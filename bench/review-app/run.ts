// Review app from a branch push, through a real `bin/berth up`: an app in a pipeline with review
// apps on gets `git push` of a new branch each repetition, and we time, per phase, from the push
// starting: the push returning (it prints the review app's URL), the app setup's build finishing,
// the setup succeeding (release live, formation scaled), and the review app's first 200 through
// the router. The app is test/fixtures/apps/review-web (a Procfile app; no dependencies). Each
// repetition then deletes its branch, which runs pr-predestroy and destroys the review app
// (timed too). Prints JSON. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/review-app/run.js [reps=5]
import { loadavg } from 'node:os';
import { reviewAppName } from '../../src/core/review-app-name.js';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { appRepo, git, pushRepo, writeAppFile } from '../../test/support/git-push.js';
import { routerGet } from '../../test/support/spine.js';

const REPS = Number(process.argv[2] ?? 5);
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const round = (ms: number) => Math.round(ms);

function stats(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => round(s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN);
  return { p50: at(0.5), p90: at(0.9), min: at(0), max: at(1), n: s.length };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function ok(berth: BerthProcess, path: string, body: unknown) {
  const reply = await api(berth, path, { method: 'POST', body: JSON.stringify(body) });
  if (reply.status !== 201) throw new Error(`POST ${path}: ${reply.status} ${JSON.stringify(reply.body)}`);
  return reply.body;
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const loadBefore = load();
  process.stderr.write('starting berth up…\n');
  const berth = await startBerth();
  const app = 'bench-src';
  const repo = await appRepo(berth, app, 'review-web');
  const phases = { pushReturned: [] as number[], buildDone: [] as number[], setupSucceeded: [] as number[], serving: [] as number[], destroyed: [] as number[] };
  try {
    await ok(berth, '/apps', { name: app });
    const main = await repo.push();
    if (main.code !== 0) throw new Error(`main push failed:\n${main.stderr}`);
    await ok(berth, '/pipelines', { name: 'bench-pl' });
    await ok(berth, '/pipeline-couplings', { app, pipeline: 'bench-pl', stage: 'staging' });
    await ok(berth, '/pipelines/bench-pl/review-app-config', {});
    for (let rep = 1; rep <= REPS; rep++) {
      const branch = `feature-${rep}`;
      const name = reviewAppName(app, branch);
      await git(repo.dir, ['checkout', '--quiet', '-B', branch, 'main']);
      await writeAppFile(repo.dir, 'VERSION', `rep${rep}\n`);
      await git(repo.dir, ['add', '--all']);
      await git(repo.dir, ['commit', '--quiet', '-m', `rep ${rep}`]);
      const t0 = performance.now();
      const pushed = await pushRepo(berth, repo.dir, app, 120_000, branch);
      if (pushed.code !== 0) throw new Error(`branch push failed:\n${pushed.stderr}`);
      phases.pushReturned.push(performance.now() - t0);
      const review = (await api(berth, '/pipelines/bench-pl/review-apps')).body.find((r: { branch: string }) => r.branch === branch);
      const setupId = review.app_setup.id as string;
      let buildSeen = false;
      await until('the setup to succeed', async () => {
        const setup = (await api(berth, `/app-setups/${setupId}`)).body;
        if (!buildSeen && setup.build && setup.build.status !== 'pending') {
          buildSeen = true;
          phases.buildDone.push(performance.now() - t0);
        }
        if (setup.status === 'failed') throw new Error(`setup failed: ${setup.failure_message}`);
        return setup.status === 'succeeded' ? true : undefined;
      });
      phases.setupSucceeded.push(performance.now() - t0);
      await until(`${name} to serve`, async () => ((await routerGet(berth, name)).body.includes(`rep${rep}`) ? true : undefined));
      phases.serving.push(performance.now() - t0);
      const t1 = performance.now();
      const deleted = await pushRepo(berth, repo.dir, app, 120_000, `:${branch}`);
      if (deleted.code !== 0 || !deleted.stderr.includes(`Destroyed review app ${name}`)) throw new Error(`branch delete did not destroy ${name}:\n${deleted.stderr}`);
      phases.destroyed.push(performance.now() - t1);
      await git(repo.dir, ['checkout', '--quiet', 'main']);
    }
  } finally {
    await berth.destroy();
    await repo.remove();
  }
  process.stdout.write(`${JSON.stringify({
    bench: 'review-app',
    started,
    reps: REPS,
    app: 'review-web (Procfile app, no dependencies; app.json review environment with a generated secret and pr-predestroy)',
    ms_from_push_start: {
      push_returned_with_url: stats(phases.pushReturned),
      build_done: stats(phases.buildDone),
      setup_succeeded: stats(phases.setupSucceeded),
      serving: stats(phases.serving),
    },
    branch_delete_to_destroyed_ms: stats(phases.destroyed),
    load_before: loadBefore,
    load_after: load(),
  }, null, 2)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
