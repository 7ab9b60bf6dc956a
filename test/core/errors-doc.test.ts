import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { BUILD_FAILURES } from '../../src/builder/build-error.js';
import { errorRegistry } from '../../src/core/errors.js';
import { routerCodes } from '../../src/core/router-codes.js';
import { dynoCodes, logCodes } from '../../src/core/platform-codes.js';
import { repoRoot } from '../support/repo-root.js';

/** Rows of the markdown table under `heading` in docs/errors.md, as arrays of cells. */
async function tableUnder(heading: string): Promise<string[][]> {
  const text = await readFile(`${repoRoot()}/docs/errors.md`, 'utf8');
  const section = text.split(/^## /m).find((s) => s.startsWith(heading));
  assert.ok(section, `docs/errors.md has a "## ${heading}" section`);
  return section
    .split('\n')
    .filter((line) => /^\| `/.test(line))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim().replace(/^`|`$/g, '')));
}

test('docs/errors.md lists every API error id with its status and summary, and nothing else', async () => {
  const rows = await tableUnder('API errors');
  const documented = Object.fromEntries(rows.map(([id, status, summary]) => [id, { status: Number(status), summary }]));
  const registered = Object.fromEntries(Object.entries(errorRegistry).map(([id, e]) => [id, { status: e.status, summary: e.summary }]));
  assert.deepEqual(documented, registered);
});

test('docs/errors.md lists every router code with its status, description and owner', async () => {
  const rows = await tableUnder('Router errors');
  const documented = Object.fromEntries(rows.map(([code, status, desc, owner]) => [code, { status: Number(status), desc, owner }]));
  assert.deepEqual(documented, JSON.parse(JSON.stringify(routerCodes)));
});

test('docs/errors.md lists every dyno code and log code with its description and owner', async () => {
  for (const [heading, registry] of [['Dyno errors', dynoCodes], ['Log errors', logCodes]] as const) {
    const rows = await tableUnder(heading);
    const documented = Object.fromEntries(rows.map(([code, desc, owner]) => [code, { desc, owner }]));
    assert.deepEqual(documented, JSON.parse(JSON.stringify(registry)), heading);
  }
});

test('docs/errors.md lists every build failure id, and nothing else', async () => {
  const ids = (await tableUnder('Build failures')).flatMap(([cell]) => (cell as string).split(/`\s*\/\s*`/));
  assert.deepEqual([...ids].sort(), [...BUILD_FAILURES].sort());
});
