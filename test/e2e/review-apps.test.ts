import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { reviewAppName } from '../../src/core/review-app-name.js';
import { berthCli } from '../support/berth-cli.js';
import { api } from '../support/berth-process.js';
import { useBerth } from '../support/e2e-harness.js';
import { git, pushRepo, writeAppFile, type AppRepo } from '../support/git-push.js';
import { routerGet } from '../support/spine.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 13's review apps on a real `bin/berth up`: an app in a pipeline with review apps on
 * (test/fixtures/apps/review-web, whose app.json has a review environment) gets a review app per
 * pushed branch, built from that branch with the review environment's config; a second push
 * updates it; deleting the branch runs pr-predestroy (its output in the push) and destroys it.
 */
describe('review apps from branch pushes', () => {
  const berth = useBerth({ args: ['--stop-grace-ms', '2000'] });
  let app: string;
  let repo: AppRepo;
  let pipeline: string;
  const branch = 'feature/Login';
  let review: string;

  const serves = (name: string, text: string) =>
    waitFor(`${name} to answer "${text}"`, async () => {
      const reply = await routerGet(berth, name);
      return reply.status === 200 && reply.body.includes(text) ? reply.body : undefined;
    }, 90_000);

  it('makes <app>-pr-<branch> from a pushed branch, with the review environment of app.json', async () => {
    app = await berth.createApp('shop');
    repo = await berth.repo(app, 'review-web');
    const main = await repo.push();
    assert.equal(main.code, 0, main.stderr);
    pipeline = `pl-${app}`;
    assert.equal((await api(berth, '/pipelines', { method: 'POST', body: JSON.stringify({ name: pipeline }) })).status, 201);
    assert.equal((await api(berth, '/pipeline-couplings', { method: 'POST', body: JSON.stringify({ app, pipeline, stage: 'staging' }) })).status, 201);

    const before = await pushRepo(berth, repo.dir, app, 120_000, 'main:refs/heads/no-review-yet');
    assert.equal(before.code, 0, before.stderr);
    assert.doesNotMatch(before.stderr, /review app/, 'review apps are off until enabled');

    const enabled = await berthCli(berth, ['reviewapps:enable', '-p', pipeline, '--stale-days', '3']);
    assert.equal(enabled.code, 0, enabled.stderr);
    assert.match(enabled.stdout, /Review apps are on/);

    await git(repo.dir, ['checkout', '--quiet', '-b', branch]);
    await writeAppFile(repo.dir, 'VERSION', 'two\n');
    await git(repo.dir, ['add', '--all']);
    await git(repo.dir, ['commit', '--quiet', '-m', 'login page']);
    const pushed = await pushRepo(berth, repo.dir, app, 120_000, branch);
    assert.equal(pushed.code, 0, pushed.stderr);
    review = reviewAppName(app, branch);
    assert.match(pushed.stderr, new RegExp(`Creating review app ${review} for branch ${branch}: http://${review}\\.`));
    assert.equal(await serves(review, 'review-web review two'), 'review-web review two secret=64\n');
    assert.equal((await routerGet(berth, app)).body, 'review-web undefined one secret=0\n', 'the source app is untouched (a push does not apply app.json env, as on Heroku)');

    const listed = await berthCli(berth, ['reviewapps', '-a', app]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${review}\\s+${branch}\\s+created\\s+http://${review}\\.`));
    const couplings = (await api(berth, `/apps/${review}/pipeline-couplings`)).body as { stage: string };
    assert.equal(couplings.stage, 'review');
  });

  it('builds the review app again when the branch is pushed again', async () => {
    await writeAppFile(repo.dir, 'VERSION', 'three\n');
    await git(repo.dir, ['commit', '--quiet', '-am', 'more login']);
    const pushed = await pushRepo(berth, repo.dir, app, 120_000, branch);
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stderr, new RegExp(`Updating review app ${review} \\(build [0-9a-f-]{36}\\)`));
    await serves(review, 'review-web review three');
  });

  it('runs pr-predestroy and destroys the review app when the branch is deleted', async () => {
    const deleted = await pushRepo(berth, repo.dir, app, 120_000, `:${branch}`);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /pr-predestroy ran in a review app/);
    assert.match(deleted.stderr, new RegExp(`Destroyed review app ${review}`));
    assert.equal((await api(berth, `/apps/${review}`)).status, 404);
    const list = (await api(berth, `/pipelines/${pipeline}/review-apps`)).body as unknown[];
    assert.deepEqual(list, []);
  });
});
