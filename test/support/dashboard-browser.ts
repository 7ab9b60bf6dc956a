// Driving the dashboard in Debian's Chromium (headless, through playwright-core; no downloaded
// browser): one browser per test file, a page on the API's origin (Berth serves dist/web at /), an axe-core check and a
// screenshot per page (test-output/screenshots/, git-ignored), and the CSP refusals and page
// errors the page met (a test asserts there are none).
import { readFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './repo-root.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
export const SCREENSHOTS = join(repoRoot(), 'test-output', 'screenshots');

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

export interface DashboardPage {
  page: Page;
  /** CSP refusals, uncaught errors and console errors seen so far (404s of optional endpoints aside). */
  problems: string[];
  close(): Promise<void>;
}

export async function openDashboard(browser: Browser, origin: string, viewport = { width: 1280, height: 900 }): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport, baseURL: origin });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    if (message.type() === 'error' && !/Failed to load resource/.test(text)) problems.push(`console: ${text}`);
    if (/Content Security Policy|Refused to/.test(text)) problems.push(`CSP: ${text}`);
  });
  return { page, problems, close: () => context.close() };
}

const require = createRequire(import.meta.url);
let axeSource: string | undefined;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[] }>;
}

/** axe-core on the page as it is now: the serious and critical violations, described. */
export async function seriousViolations(page: Page): Promise<string[]> {
  axeSource ??= await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');
  // page.evaluate runs through the DevTools protocol, which the page's CSP does not govern.
  if (!(await page.evaluate("'axe' in window"))) await page.evaluate(axeSource);
  const violations = (await page.evaluate('axe.run().then((r) => r.violations)')) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => JSON.stringify(n.target)).join(', ')}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
