// The dashboard in headless Chromium against a real `bin/berth up`: (1) first load of the apps
// page with N apps (default 100) on an empty cache: bytes transferred (compressed, as the wire
// carried them) and the time to a rendered list of all N; (2) a live log tail of R lines/s
// (default 1,000) for S seconds (default 60) on the logs page: frame time p50/p95/max and the
// page's JS heap and DOM node count over time. Prints JSON. Run as root:
//   unset NODE_EXTRA_CA_CERTS; node dist/bench/dashboard/run.js [--apps 100] [--rate 1000] [--seconds 60]
import { readdir, rm, stat } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Browser, CDPSession, Page } from 'playwright-core';
import { api, startBerth, type BerthProcess } from '../../test/support/berth-process.js';
import { shutDown } from '../../test/support/e2e-harness.js';
import { appRepo } from '../../test/support/git-push.js';
import { launchChromium, openDashboard } from '../../test/support/dashboard-browser.js';
import { repoRoot } from '../../test/support/repo-root.js';
import { waitForDynos } from '../../test/support/spine.js';

const { values: args } = parseArgs({ options: { apps: { type: 'string', default: '100' }, rate: { type: 'string', default: '1000' }, seconds: { type: 'string', default: '60' } } });
const APPS = Number(args.apps);
const RATE = Number(args.rate);
const SECONDS = Number(args.seconds);
const log = (message: string) => process.stderr.write(`${message}\n`);
const load = () => loadavg().map((v) => Math.round(v * 100) / 100);
const pct = (sorted: number[], p: number) => (sorted.length === 0 ? null : Math.round((sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number) * 10) / 10);

/** Sizes of the built assets as the server can send them (dist/web, raw / .gz / .br). */
async function builtSizes(): Promise<Record<string, number>> {
  const dir = join(repoRoot(), 'dist', 'web', 'assets');
  const sizes = { raw: 0, gzip: 0, brotli: 0 };
  for (const name of await readdir(dir)) {
    const { size } = await stat(join(dir, name));
    if (name.endsWith('.gz')) sizes.gzip += size;
    else if (name.endsWith('.br')) sizes.brotli += size;
    else sizes.raw += size;
  }
  return sizes;
}

/** Every response's encoded (on the wire) length, summed while `during` runs. */
async function bytesDuring(cdp: CDPSession, during: () => Promise<void>): Promise<{ bytes: number; requests: number }> {
  let bytes = 0;
  let requests = 0;
  const onFinished = (event: { encodedDataLength: number }) => {
    bytes += event.encodedDataLength;
    requests++;
  };
  cdp.on('Network.loadingFinished', onFinished);
  await during();
  cdp.off('Network.loadingFinished', onFinished);
  return { bytes, requests };
}

async function logIn(page: Page, berth: BerthProcess, sessions: boolean): Promise<void> {
  if (sessions) {
    const reply = await page.request.post('/dashboard/session', { data: { api_key: berth.adminKey } });
    if (reply.status() !== 201) throw new Error(`POST /dashboard/session answered ${reply.status()}`);
    return;
  }
  await page.goto('/');
  await page.getByRole('button', { name: 'API key' }).click();
  await page.getByLabel('API key').fill(berth.adminKey);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('heading', { name: 'Apps' }).waitFor();
}

async function firstLoad(browser: Browser, berth: BerthProcess, sessions: boolean) {
  const dash = await openDashboard(browser, berth.apiUrl);
  try {
    const cdp = await dash.page.context().newCDPSession(dash.page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    // True once the list has every app; notes the page's own clock (ms since navigation) then.
    // (A function, not a string: the page's CSP forbids eval.)
    const listed = (n: number) => {
      const g = globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } }; performance: { now(): number }; __listAt?: number };
      const ok = g.document.querySelectorAll('table.apps tbody tr').length >= n;
      if (ok && !g.__listAt) g.__listAt = g.performance.now();
      return ok;
    };
    let ms = 0;
    let measured;
    if (sessions) {
      await logIn(dash.page, berth, true);
      measured = await bytesDuring(cdp, async () => {
        const start = performance.now();
        await dash.page.goto('/#/apps');
        await dash.page.waitForFunction(listed, APPS, { polling: 'raf', timeout: 60_000 });
        ms = performance.now() - start;
      });
    } else {
      // Without session endpoints the key lives in page memory: load, log in, then the list.
      measured = await bytesDuring(cdp, async () => {
        await logIn(dash.page, berth, false);
      });
      await dash.page.reload();
      const again = await bytesDuring(cdp, async () => {
        await dash.page.getByRole('button', { name: 'API key' }).click();
        await dash.page.getByLabel('API key').fill(berth.adminKey);
        const start = performance.now();
        await dash.page.getByRole('button', { name: 'Log in' }).click();
        await dash.page.waitForFunction(listed, APPS, { polling: 'raf', timeout: 60_000 });
        ms = performance.now() - start;
      });
      measured = { bytes: measured.bytes, requests: measured.requests, list_request_bytes: again.bytes };
    }
    // Where the time went, on the page's clock: each request's start and end, then the list.
    const timeline = (await dash.page.evaluate(`[
      ...performance.getEntriesByType('navigation').map((e) => ['document', Math.round(e.startTime), Math.round(e.responseEnd)]),
      ...performance.getEntriesByType('resource').map((e) => [new URL(e.name).pathname, Math.round(e.startTime), Math.round(e.responseEnd)]),
      ['list rendered', Math.round(window.__listAt), null],
    ]`)) as Array<[string, number, number | null]>;
    return {
      ...measured,
      time_to_list_ms: Math.round(ms),
      page_clock_to_list_ms: sessions ? timeline.at(-1)?.[1] : null,
      measured_from: sessions ? 'navigation to /#/apps with a session cookie' : 'the login click (key in memory) to the list',
      timeline: timeline.slice(0, 12),
    };
  } finally {
    await dash.close();
  }
}

async function logTail(browser: Browser, berth: BerthProcess, app: string, sessions: boolean) {
  const dash = await openDashboard(browser, berth.apiUrl);
  const page = dash.page;
  try {
    await logIn(page, berth, sessions);
    await page.goto(`/#/apps/${app}/logs`);
    await page.locator('[data-tail="live"]').waitFor();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // The logger: a detached one-off dyno printing RATE lines/s in 20 ms batches.
    const perTick = Math.max(1, Math.round(RATE / 50));
    const script = `let n=0;const pad='x'.repeat(60);setInterval(()=>{for(let i=0;i<${perTick};i++)console.log('bench line '+(++n)+' '+pad)},20);setTimeout(()=>process.exit(0),${(SECONDS + 5) * 1000})`;
    const run = await api(berth, `/apps/${app}/dynos`, { method: 'POST', body: JSON.stringify({ command: `node -e "${script}"`, attach: false }) });
    if (run.status !== 201) throw new Error(`POST dynos answered ${run.status}: ${JSON.stringify(run.body)}`);
    await page.locator('.logs .line', { hasText: 'bench line' }).first().waitFor({ timeout: 30_000 });
    await page.evaluate(`window.__frames = []; (function loop(last) { requestAnimationFrame((t) => { window.__frames.push(t - last); loop(t); }); })(performance.now())`);
    const samples: Array<{ t: number; heap_mb: number; nodes: number; last_seq: number }> = [];
    const start = Date.now();
    while (Date.now() - start < SECONDS * 1000) {
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const { metrics } = (await cdp.send('Performance.getMetrics')) as { metrics: Array<{ name: string; value: number }> };
      const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? 0;
      const lastSeq = Number(await page.evaluate(`Number(document.querySelector('.logs .line:last-child')?.dataset.seq ?? -1)`));
      samples.push({ t: Math.round((Date.now() - start) / 1000), heap_mb: Math.round((metric('JSHeapUsedSize') / 1048576) * 10) / 10, nodes: metric('Nodes'), last_seq: lastSeq });
      log(`  tail ${samples.at(-1)?.t}s: heap ${samples.at(-1)?.heap_mb} MB, ${samples.at(-1)?.nodes} nodes, seq ${lastSeq}`);
    }
    const frames = ((await page.evaluate('window.__frames')) as number[]).slice(1).sort((a, b) => a - b);
    const first = samples[0];
    const last = samples.at(-1);
    return {
      rate_asked: RATE,
      seconds: SECONDS,
      lines_per_s_seen: first && last && last.t > first.t ? Math.round((last.last_seq - first.last_seq) / (last.t - first.t)) : null,
      frames: frames.length,
      frame_ms: { p50: pct(frames, 50), p95: pct(frames, 95), p99: pct(frames, 99), max: pct(frames, 100) },
      memory: samples,
      problems: dash.problems,
    };
  } finally {
    await dash.close();
  }
}

async function main(): Promise<void> {
  const loadBefore = load();
  log(`starting Berth (load ${loadBefore.join(' ')})`);
  const berth = await startBerth();
  let browser: Browser | undefined;
  try {
    const sessions = (await fetch(`${berth.apiUrl}/dashboard/session`, { method: 'GET' })).status !== 404;
    const staticServed = (await fetch(`${berth.apiUrl}/`)).status === 200;
    log(`creating ${APPS} apps`);
    const names = Array.from({ length: APPS }, (_, i) => `bench-${String(i).padStart(3, '0')}`);
    for (const name of names) {
      const created = await api(berth, '/apps', { method: 'POST', body: JSON.stringify({ name }) });
      if (created.status !== 201) throw new Error(`creating ${name}: ${created.status}`);
    }
    log('pushing the log tail app');
    const logApp = names[0] as string;
    const repo = await appRepo(berth, logApp, 'procfile-web');
    const pushed = await repo.push();
    await repo.remove();
    if (pushed.code !== 0) throw new Error(`push failed:\n${pushed.stderr}`);
    await waitForDynos(berth, logApp, 'web up', (l) => l.some((d) => d.type === 'web' && d.state === 'up'), 60_000);
    browser = await launchChromium();
    log('first load of the apps page');
    const apps = await firstLoad(browser, berth, sessions);
    log(`log tail at ${RATE} lines/s for ${SECONDS}s`);
    const tail = await logTail(browser, berth, logApp, sessions);
    const result = {
      benchmark: 'dashboard',
      at: new Date().toISOString(),
      loadavg_before: loadBefore,
      berth: { session_endpoints: sessions, serves_dashboard: staticServed },
      built_assets_bytes: await builtSizes(),
      apps_page: { apps: APPS, ...apps, target: { bytes: 250_000, time_to_list_ms: 300 } },
      log_tail: { ...tail, target: { frame_ms_p95: 50 } },
      loadavg_after: load(),
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    await browser?.close();
    await shutDown(berth);
    await rm(berth.dataDir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
