// The dashboard in a real browser (Debian's Chromium, headless): a user logs in, creates an app,
// watches a push build, scales it, edits a config var, rolls back, tails logs, sees a crashed
// dyno turn red and green again, and reads the metrics. Every page gets an axe-core check (no
// serious violations) and a screenshot under test-output/screenshots/.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, openDashboard, screenshot, seriousViolations, type DashboardPage } from '../support/dashboard-browser.js';
import { useBerth, suffix } from '../support/e2e-harness.js';
import { api } from '../support/berth-process.js';
import { dynos, routerGet, waitForDynos, type DynoJson } from '../support/spine.js';
import { startGitDaemon } from '../support/git-daemon.js';
import { repoRoot } from '../support/repo-root.js';
import type { AppRepo } from '../support/git-push.js';

const run = promisify(execFile);

describe('the dashboard, driven in Chromium', () => {
  // An 8 s crash cool-off: the second crash in a row leaves the dyno crashed long enough to see.
  const berth = useBerth({ args: ['--crash-cool-off-ms', '8000', '--allow-private-urls', '127.0.0.0/8'] });
  const email = `dash-${suffix()}@example.com`;
  const password = 'correct horse battery';
  const newPassword = 'staple battery horse correct';
  const app = `dash-${suffix()}`;
  let browser: Browser;
  let dash: DashboardPage;
  let page: Page;
  let repo: AppRepo;
  let userKey: string;

  /** Goes to a hash route, waits for `ready`, checks it with axe and saves a screenshot. */
  async function visit(hash: string, ready: string, name: string): Promise<void> {
    await page.goto(`/${hash}`);
    await page.locator(ready).first().waitFor();
    await checkPage(name);
  }

  const tab = (name: string) => page.getByRole('navigation', { name: 'App sections' }).getByRole('link', { name, exact: true });

  async function checkPage(name: string): Promise<void> {
    assert.deepEqual(await seriousViolations(page), [], `axe on ${name}`);
    await screenshot(page, name);
  }

  before(async () => {
    ({ key: userKey } = await berth.createAccount(email, password));
    browser = await launchChromium();
    dash = await openDashboard(browser, berth.apiUrl);
    page = dash.page;
  });

  after(async () => {
    await dash?.close();
    await browser?.close();
  });

  it('refuses a wrong password without saying whether the email exists', async () => {
    await page.goto('/');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    const wrong = await page.getByRole('alert').textContent();
    await page.getByLabel('Email').fill(`nobody-${suffix()}@example.com`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: /./ }).waitFor();
    assert.equal(await page.getByRole('alert').textContent(), wrong, 'the same message for a wrong password and an unknown email');
    await checkPage('login');
  });

  it('logs in with email and password, stays logged in across a reload, and lists no apps yet', async () => {
    await page.getByLabel('Password').fill(password);
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('You have no apps yet').waitFor();
    assert.equal(await page.locator('.who').textContent(), email);
    await page.reload();
    await page.getByText('You have no apps yet').waitFor();
    await checkPage('apps-empty');
  });

  it('creates an app from the apps page and opens its overview', async () => {
    await page.getByLabel('New app name').fill(app);
    await page.getByRole('button', { name: 'Create app' }).click();
    await page.waitForURL(`**/#/apps/${app}`);
    await page.getByText('No process types yet').waitFor();
    assert.equal((await api(berth, `/apps/${app}`)).status, 200);
  });

  it("streams a push's build output on the activity page", async () => {
    await tab('Activity').click();
    await page.getByText('No builds yet').waitFor();
    repo = await berth.repo(app, 'greeting');
    const pushed = repo.push();
    // A build the page sees running opens by itself and streams; one that finished first opens on a click.
    await page.locator('li[data-build]').first().waitFor({ timeout: 60_000 });
    const push = await pushed;
    assert.equal(push.code, 0, push.stderr);
    await page.locator('li[data-status="succeeded"]').waitFor({ timeout: 30_000 });
    const output = page.locator('pre[data-build]');
    if ((await output.count()) === 0) await page.getByRole('button', { name: 'Show output' }).first().click();
    await page.getByText('End of build output.').waitFor();
    assert.match((await output.textContent()) ?? '', /-----> /);
    await page.locator('li[data-version="2"]').waitFor();
    await checkPage('activity');
  });

  it('shows a 10,000-line build log whole, as text', async () => {
    const daemon = await startGitDaemon({ 'loud-buildpack': join(repoRoot(), 'test', 'fixtures', 'apps', 'loud-build', 'buildpack') });
    berth.onShutDown(() => daemon.stop());
    const loud = await berth.createApp('dash-loud', userKey);
    const set = await api(berth, `/apps/${loud}/buildpack-installations`, { method: 'PUT', key: userKey, body: JSON.stringify({ updates: [{ buildpack: daemon.url('loud-buildpack') }] }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    const pushed = await (await berth.repo(loud, 'procfile-web')).push();
    assert.equal(pushed.code, 0, pushed.stderr.slice(-2000));
    await page.goto(`/#/apps/${loud}/activity`);
    await page.getByRole('button', { name: 'Show output' }).click();
    await page.getByText('End of build output.').waitFor();
    const output = page.locator('pre[data-build]');
    const text = (await output.textContent()) ?? '';
    assert.equal(text.match(/build line \d+ of 10000/g)?.length, 10_000, 'every line is there');
    assert.match(text, /build line 10000 of 10000 <b>not bold<\/b>/);
    assert.equal(await output.locator('b').count(), 0, 'HTML in the log is text');
    await screenshot(page, 'activity-long-build');
  });

  it('scales web to 2 and the overview shows desired and live agreeing in green', async () => {
    await visit(`#/apps/${app}/resources`, 'form[data-type="web"]', 'resources');
    const web = page.locator('form[data-type="web"]');
    await web.getByLabel('Dynos').fill('2');
    await web.getByRole('button', { name: 'Save' }).click();
    await web.getByText('Saved').waitFor();
    await tab('Overview').click();
    const model = page.locator('section.model[data-type="web"]');
    await model.locator('[data-desired]').filter({ hasText: /^2$/ }).waitFor();
    await page.locator('section.model[data-type="web"][data-health="ok"]').waitFor({ timeout: 30_000 });
    assert.equal(await model.locator('li[data-dyno]').count(), 2);
    assert.match((await model.locator('.badge').first().textContent()) ?? '', /Desired = live/);
    await checkPage('overview');
  });

  it('saves a config var with HTML in it as one new release, showing the value as text', async () => {
    await visit(`#/apps/${app}/settings`, 'h3#config-vars', 'settings');
    const value = '<img src=x onerror="window.__owned=1"><script>window.__owned=1</script>';
    await page.getByLabel('Key', { exact: true }).fill('GREETING');
    await page.getByLabel('Value', { exact: true }).fill(value);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByText('Set GREETING: a new release was made.').waitFor();
    await page.getByRole('button', { name: 'Reveal values' }).click();
    assert.equal(await page.locator('li[data-var="GREETING"] [data-value]').textContent(), value);
    assert.equal(await page.evaluate('window.__owned'), undefined, 'the value never ran');
    await tab('Activity').click();
    await page.locator('li[data-version="3"]').filter({ hasText: 'GREETING' }).waitFor();
    const releases = await api(berth, `/apps/${app}/releases`);
    assert.equal(releases.body.length, 3, 'one release for the save');
  });

  it('rolls back to the previous release after a confirmation', async () => {
    await page.getByRole('button', { name: 'Roll back to v2' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('A new release is made from v2').waitFor();
    await checkPage('activity-rollback-confirm');
    await dialog.getByRole('button', { name: 'Roll back to v2' }).click();
    await page.locator('li[data-version="4"]').filter({ hasText: 'Rollback to v2' }).waitFor();
    const config = await api(berth, `/apps/${app}/config-vars`);
    assert.equal(config.body.GREETING, undefined, 'v4 has v2’s config vars');
  });

  it("tails the logs live and shows a request's router line", async () => {
    await visit(`#/apps/${app}/logs`, '[data-tail="live"]', 'logs');
    const path = `/dashboard-probe-${suffix()}`;
    await waitForDynos(berth, app, 'web up on v4', (l) => l.some((d) => d.type === 'web' && d.state === 'up' && d.release.version === 4));
    assert.equal((await routerGet(berth, app, path)).status, 200);
    const line = page.locator('.logs .line.src-router').filter({ hasText: `path="${path}"` });
    await line.waitFor();
    await page.getByLabel('Source').selectOption('app');
    assert.equal(await line.count(), 0, 'the source filter hides router lines');
    await page.getByLabel('Source').selectOption('');
    await page.getByLabel('Text').fill(path);
    assert.equal(await page.locator('.logs .line').count(), 1, 'the text filter keeps only the probe line');
    await screenshot(page, 'logs-filtered');
  });

  it('reconnects the log tail after a dropped connection without showing a line twice', async () => {
    await page.getByLabel('Text').fill('');
    let streams = 0;
    const onRequest = (request: { url(): string }) => void (request.url().includes('/log-sessions/') && streams++);
    page.on('request', onRequest);
    try {
      // Drop every TCP connection to the API port (the tail's included) as a network fault would.
      await run('ss', ['-K', 'dst', '127.0.0.1', 'dport', '=', `:${berth.runtime.api_port}`], { timeout: 10_000 });
      const missed = `/after-the-drop-${suffix()}`;
      assert.equal((await routerGet(berth, app, missed)).status, 200);
      await page.locator('.logs .line.src-router').filter({ hasText: `path="${missed}"` }).waitFor();
      assert.ok(streams >= 1, 'the tail opened its stream again');
    } finally {
      page.off('request', onRequest);
    }
    const seqs = (await page.locator('.logs .line').evaluateAll((lines) => lines.map((l) => Number((l as unknown as { dataset: { seq: string } }).dataset.seq)))) as number[];
    assert.equal(new Set(seqs).size, seqs.length, 'no line twice');
    assert.deepEqual([...seqs].sort((a, b) => a - b), seqs, 'lines in order');
  });

  it('shows that Berth is not answering while offline, and recovers by itself', async () => {
    await tab('Overview').click();
    await page.locator('section.model[data-type="web"]').waitFor();
    await page.context().setOffline(true);
    try {
      await page.getByText('Berth is not answering').first().waitFor();
      await screenshot(page, 'overview-offline');
    } finally {
      await page.context().setOffline(false);
    }
    await page.getByText('Berth is not answering').first().waitFor({ state: 'detached' });
  });

  it('recovers by itself when the control plane restarts while the page is open', async () => {
    await tab('Overview').click();
    const desired = page.locator('section.model[data-type="web"] [data-desired]');
    await desired.filter({ hasText: /^2$/ }).waitFor();
    await berth.restartControlPlane();
    // The page was never reloaded: a change made through the new control plane shows up.
    const scale = async (quantity: number) => {
      const reply = await api(berth, `/apps/${app}/formation/web`, { method: 'PATCH', body: JSON.stringify({ quantity }) });
      assert.equal(reply.status, 200, JSON.stringify(reply.body));
    };
    await scale(3);
    await desired.filter({ hasText: /^3$/ }).waitFor({ timeout: 30_000 });
    await scale(2);
    await desired.filter({ hasText: /^2$/ }).waitFor({ timeout: 30_000 });
    assert.equal(await page.getByText('Log out').count(), 1, 'the session outlived the control plane: still logged in');
  });

  it("shows another user's app and a missing app as the same not found", async () => {
    const theirs = await berth.createApp('dash-theirs');
    await page.goto(`/#/apps/${theirs}`);
    await page.getByRole('heading', { name: 'App not found' }).waitFor();
    await page.goto(`/#/apps/dash-missing-${suffix()}`);
    await page.getByRole('heading', { name: 'App not found' }).waitFor();
    await page.goto(`/#/apps/${app}`);
  });

  it('shows a crashed dyno red, then green again once it restarts', async () => {
    await tab('Overview').click();
    const web = page.locator('section.model[data-type="web"]');
    await page.locator('section.model[data-type="web"][data-health="ok"]').waitFor({ timeout: 30_000 });
    // A dyno's first crash restarts at once; its second in a row waits out the 8 s cool-off,
    // crashed. The router picks the dyno, so crash until one of the two has crashed twice. The page
    // polls every 3 s; on a loaded machine the crash can be seen by the API late in its window, so
    // a page that missed a window that has since closed gets another crash, while a page that does
    // not show a crash the API still shows is a failure.
    const webs = (l: DynoJson[]) => l.filter((d) => d.type === 'web');
    const failing = page.locator('section.model[data-type="web"][data-health="failing"]');
    const seen: string[] = [];
    let shown = false;
    for (let i = 0; i < 10 && !shown; i++) {
      const before = await waitForDynos(berth, app, 'both web dynos up', (l) => webs(l).filter((d) => d.state === 'up').length === 2, 60_000);
      const ids = before.map((d) => d.id).sort().join();
      await routerGet(berth, app, '/crash');
      const list = await waitForDynos(berth, app, 'a crashed web dyno, or one replaced', (l) => webs(l).some((d) => d.state === 'crashed') || webs(l).map((d) => d.id).sort().join() !== ids);
      seen.push(webs(list).map((d) => `${d.name}:${d.state}`).join(' '));
      if (!webs(list).some((d) => d.state === 'crashed')) continue;
      shown = await failing.waitFor({ timeout: 12_000 }).then(() => true, () => false);
      if (shown) break;
      const still = webs(await dynos(berth, app)).filter((d) => d.state === 'crashed');
      if (still.length > 0) {
        const health = await web.getAttribute('data-health');
        const text = (await web.innerText()).replace(/\s+/g, ' ');
        assert.fail(`the API shows ${still.map((d) => d.name).join(', ')} crashed for 12 s but the overview shows web ${health}: ${text}`);
      }
      seen.push('(the crash window closed before the page polled)');
    }
    assert.ok(shown, `the overview showed a crashed web dyno; seen: ${seen.join(' | ')}`);
    await web.locator('[data-state="crashed"]').first().waitFor();
    await screenshot(page, 'overview-crashed');
    await page.locator('section.model[data-type="web"][data-health="ok"]').waitFor({ timeout: 40_000 });
  });

  it('draws the metrics charts with non-empty series', async (t) => {
    const probe = await api(berth, `/apps/${app}/metrics?range=1h`);
    if (probe.status === 404) {
      t.skip('this Berth has no metrics endpoint yet');
      return;
    }
    for (let i = 0; i < 5; i++) await routerGet(berth, app, `/metrics-load-${i}`);
    await visit(`#/apps/${app}/metrics`, 'figure[data-chart]', 'metrics');
    const throughput = page.locator('figure[data-chart^="Throughput"]');
    await throughput.waitFor();
    const points = Number(await throughput.getAttribute('data-points'));
    assert.ok(points > 0, `the throughput chart has points (${points})`);
    assert.ok(await throughput.locator('canvas').count() > 0, 'it drew on a canvas');
  });

  it('creates and revokes an API key and changes the password on the account page', async () => {
    await visit('#/account', 'h2#api-keys', 'account');
    await page.getByLabel('Description').fill('e2e key');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const token = (await page.locator('[data-new-key]').textContent()) ?? '';
    assert.equal((await api(berth, '/account', { key: token })).status, 200, 'the new key works');
    await page.getByRole('button', { name: 'Revoke e2e key', exact: true }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke e2e key', exact: true }).waitFor({ state: 'detached' });
    assert.equal((await api(berth, '/account', { key: token })).status, 401, 'the revoked key is refused');
    await page.getByLabel('Current password').fill(password);
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed.').waitFor();
  });

  it('is readable at 320 px wide and in dark mode, and the apps page lists the app', async () => {
    await visit('#/apps', `tr[data-app="${app}"] [data-health]`, 'apps');
    await page.emulateMedia({ colorScheme: 'dark' });
    await checkPage('apps-dark');
    await page.setViewportSize({ width: 320, height: 700 });
    await visit(`#/apps/${app}`, 'section.model', 'overview-320px-dark');
    const overflow = Number(await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'));
    assert.ok(overflow <= 0, `no horizontal scrolling at 320 px (${overflow} px too wide)`);
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('deletes the app only once its name is typed, logs out, and logs in with the new password', async () => {
    await visit(`#/apps/${app}/settings`, 'h3#config-vars', 'settings-before-delete');
    await page.getByRole('button', { name: `Delete ${app}…` }).click();
    const confirm = page.getByRole('dialog').getByRole('button', { name: 'Delete app' });
    assert.equal(await confirm.isDisabled(), true);
    await page.getByRole('dialog').getByRole('textbox').fill(app);
    await confirm.click();
    await page.waitForURL('**/#/apps');
    assert.equal((await api(berth, `/apps/${app}`)).status, 404);
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Berth' }).waitFor();
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Apps' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in to Berth' }).waitFor();
    assert.deepEqual(dash.problems, [], 'no page errors or CSP refusals');
  });
});
