// The dashboard's front end (web/src) is its own project: it talks to Berth over HTTP only, so
// it imports nothing from src/ (nor any Node builtin), and of npm only what it bundles.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { readImportGraph } from './import-graph.js';
import { repoRoot } from '../support/repo-root.js';

const BUNDLED = ['preact', 'uplot'];

/** What in `dir` breaks the rule: a Node builtin, another package, or a file outside `dir`. */
function webViolations(dir: string): string[] {
  const out: string[] = [];
  for (const [file, edges] of readImportGraph(dir)) {
    for (const edge of edges) {
      const what = `web/src/${file} imports ${edge.specifier}`;
      if (edge.kind === 'node') out.push(`${what}: the front end runs in the browser (no Node builtins)`);
      else if (edge.kind === 'package' && !BUNDLED.some((p) => edge.specifier === p || edge.specifier.startsWith(`${p}/`))) out.push(`${what}: only ${BUNDLED.join(', ')} are bundled`);
      else if (edge.kind === 'local' && (edge.resolved === undefined || edge.resolved.startsWith('../'))) out.push(`${what}: only files under web/src (Berth is reached over HTTP)`);
    }
  }
  return out;
}

test('web/src imports only its own files, preact and uplot', () => {
  assert.deepEqual(webViolations(path.join(repoRoot(), 'web', 'src')), []);
});

test('a front-end file importing from src/ or a Node builtin is reported', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-web-imports-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await mkdir(path.join(dir, 'src', 'pages'), { recursive: true });
  await mkdir(path.join(dir, 'core'), { recursive: true });
  await writeFile(path.join(dir, 'core', 'model.ts'), 'export const x = 1;\n');
  await writeFile(path.join(dir, 'src', 'pages', 'a.tsx'), "import { x } from '../../core/model.js';\nimport { readFileSync } from 'node:fs';\nimport { h } from 'preact';\nimport kysely from 'kysely';\nexport const y = [x, readFileSync, h, kysely];\n");
  assert.deepEqual(webViolations(path.join(dir, 'src')), [
    'web/src/pages/a.tsx imports ../../core/model.js: only files under web/src (Berth is reached over HTTP)',
    'web/src/pages/a.tsx imports node:fs: the front end runs in the browser (no Node builtins)',
    'web/src/pages/a.tsx imports kysely: only preact, uplot are bundled',
  ]);
});
