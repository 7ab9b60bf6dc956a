import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { checkLayers, describeCycle, findCycles, readImportGraph, type ImportGraph } from './import-graph.js';
import { LAYERS } from './layers.js';

/** Repo root: the first directory above this (compiled) file holding package.json. */
function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  return dir;
}

/** Writes `files` (relative path → contents) under a fresh temp dir; removed after the test. */
async function fixture(t: { after: (fn: () => Promise<void>) => void }, files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-layering-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const [name, contents] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, contents);
  }
  return dir;
}

function list(lines: string[]): string {
  return lines.map((l) => `  - ${l}`).join('\n');
}

function edgesOf(graph: ImportGraph, file: string) {
  const edges = graph.get(file);
  assert.ok(edges, `${file} is in the graph`);
  return edges;
}

// ---------------------------------------------------------------------------
// The real tree

test('src respects the import layering table', () => {
  const src = path.join(repoRoot(), 'src');
  const violations = checkLayers(readImportGraph(src), LAYERS, { prefix: 'src/' });
  assert.deepEqual(
    violations,
    [],
    `${violations.length} import(s) break the layering in test/architecture/layers.ts (see ARCHITECTURE.md):\n${list(violations)}`,
  );
});

test('src has no circular imports', () => {
  const graph = readImportGraph(path.join(repoRoot(), 'src'));
  const cycles = findCycles(graph);
  assert.deepEqual(
    cycles,
    [],
    `${cycles.length} import cycle(s) in src/ (type-only imports excluded):\n${list(cycles.map((c) => describeCycle(graph, c)))}`,
  );
});

// ---------------------------------------------------------------------------
// The checker itself can fail

test('a core file importing node:fs is reported', async (t) => {
  const dir = await fixture(t, { 'core/x.ts': `import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n` });
  assert.deepEqual(checkLayers(readImportGraph(dir), LAYERS, { prefix: 'src/' }), [
    'src/core/x.ts imports node:fs: core may import only core',
  ]);
});

test('a core file importing an unprefixed builtin or an npm package is reported', async (t) => {
  const dir = await fixture(t, {
    'core/x.ts': `import path from 'path';\nimport type { Kysely } from 'kysely';\nexport type K = Kysely<unknown>;\nexport const p = path;\n`,
  });
  assert.deepEqual(checkLayers(readImportGraph(dir), LAYERS), [
    'core/x.ts imports path: core may import only core',
    'core/x.ts imports kysely: core may import only core',
  ]);
});

test('a core file importing ../api/x.js is reported', async (t) => {
  const dir = await fixture(t, {
    'core/x.ts': `import { handler } from '../api/x.js';\nexport const y = handler;\n`,
    'api/x.ts': `export const handler = 1;\n`,
  });
  const graph = readImportGraph(dir);
  assert.equal(edgesOf(graph, 'core/x.ts')[0]?.resolved, 'api/x.ts');
  assert.deepEqual(checkLayers(graph, LAYERS, { prefix: 'src/' }), [
    'src/core/x.ts imports ../api/x.js: core may import only core',
  ]);
});

test('allowed imports produce no violations', async (t) => {
  const dir = await fixture(t, {
    'core/model.ts': `export interface App { name: string }\n`,
    'store/sqlite.ts': `import Database from 'better-sqlite3';\nimport { Kysely } from 'kysely';\nimport { join } from 'node:path';\nimport type { App } from '../core/model.js';\nexport { Database, Kysely, join };\nexport type A = App;\n`,
    'api/server.ts': `import { createServer } from 'node:http';\nimport '../store/sqlite.js';\nimport * as model from '../core/model.js';\nexport { createServer, model };\n`,
    'main/index.ts': `import 'some-package/sub';\nimport '../api/server.js';\n`,
  });
  assert.deepEqual(checkLayers(readImportGraph(dir), LAYERS), []);
});

test('an unknown top-level folder is reported', async (t) => {
  const dir = await fixture(t, { 'widgets/w.ts': `export const w = 1;\n`, 'loose.ts': `export const l = 1;\n` });
  const violations = checkLayers(readImportGraph(dir), LAYERS, { prefix: 'src/' });
  assert.equal(violations.length, 2, list(violations));
  assert.match(violations[0] ?? '', /^src\/loose\.ts: unknown layer .*test\/architecture\/layers\.ts/);
  assert.equal(violations[1], 'src/widgets/w.ts: unknown layer "widgets": add it to the table in test/architecture/layers.ts');
});

test('store adapters importing each other are reported', async (t) => {
  const dir = await fixture(t, {
    'store/port.ts': `export interface Store { close(): void }\n`,
    'store/sqlite.ts': `import type { Store } from './port.js';\nimport { dialect } from './postgres-dialect.js';\nexport type S = Store;\nexport const d = dialect;\n`,
    'store/postgres-dialect.ts': `export const dialect = 'pg';\n`,
    'store/postgres.ts': `import './port.js';\n`,
  });
  assert.deepEqual(checkLayers(readImportGraph(dir), LAYERS), [
    'store/sqlite.ts imports ./postgres-dialect.js: store/sqlite* must not import store/postgres* (isolated group [sqlite*, postgres*] in test/architecture/layers.ts)',
  ]);
});

test('an unresolvable relative import is reported', async (t) => {
  const dir = await fixture(t, { 'core/x.ts': `import { y } from './y';\nexport const x = y;\n`, 'core/y.ts.bak': '' });
  assert.deepEqual(checkLayers(readImportGraph(dir), LAYERS), [
    `core/x.ts imports ./y: cannot resolve it to a file (write relative imports as './x.js' for './x.ts')`,
  ]);
});

test('a cycle a → b → a is found', async (t) => {
  const dir = await fixture(t, {
    'core/a.ts': `import { b } from './b.js';\nexport const a = () => b;\n`,
    'core/b.ts': `import { a } from './a.js';\nexport const b = () => a;\n`,
    'core/c.ts': `import { a } from './a.js';\nexport const c = a;\n`,
    'core/self.ts': `import * as me from './self.js';\nexport const s = me;\n`,
  });
  const graph = readImportGraph(dir);
  const cycles = findCycles(graph);
  assert.deepEqual(cycles, [['core/a.ts', 'core/b.ts'], ['core/self.ts']]);
  assert.equal(describeCycle(graph, cycles[0] ?? []), 'core/a.ts → core/b.ts → core/a.ts');
});

test('a longer cycle is reported as one component with a concrete chain', async (t) => {
  const dir = await fixture(t, {
    'core/a.ts': `export * from './b.js';\n`,
    'core/b.ts': `export { c } from './c.js';\n`,
    'core/c.ts': `import './a.js';\nexport const c = 1;\n`,
  });
  const graph = readImportGraph(dir);
  const cycles = findCycles(graph);
  assert.deepEqual(cycles, [['core/a.ts', 'core/b.ts', 'core/c.ts']]);
  assert.equal(describeCycle(graph, cycles[0] ?? []), 'core/a.ts → core/b.ts → core/c.ts → core/a.ts');
});

test('a type-only cycle is not reported', async (t) => {
  const dir = await fixture(t, {
    'core/a.ts': `import type { B } from './b.js';\nexport interface A { b?: B }\n`,
    'core/b.ts': `import { type A } from './a.js';\nexport interface B { a?: A }\nexport type { A };\n`,
    'core/c.ts': `export type { D } from './d.js';\nexport interface C { d?: typeof import('./d.js') }\n`,
    'core/d.ts': `import type { C } from './c.js';\nexport interface D { c?: C }\n`,
  });
  const graph = readImportGraph(dir);
  assert.ok(edgesOf(graph, 'core/a.ts').every((e) => e.typeOnly));
  assert.ok(edgesOf(graph, 'core/b.ts').every((e) => e.typeOnly));
  assert.ok(edgesOf(graph, 'core/c.ts').every((e) => e.typeOnly));
  assert.deepEqual(findCycles(graph), []);
});

test('a multi-line import list is parsed', async (t) => {
  const dir = await fixture(t, {
    'core/a.ts': `import {\n  x,\n  y,\n} from './x.js';\nimport type {\n  T,\n} from "./x.js";\nexport {\n  x as z,\n} from './x.js';\nexport const a = [x, y];\nexport type U = T;\n`,
    'core/x.ts': `export const x = 1;\nexport const y = 2;\nexport type T = number;\n`,
  });
  assert.deepEqual(edgesOf(readImportGraph(dir), 'core/a.ts'), [
    { specifier: './x.js', resolved: 'core/x.ts', kind: 'local', typeOnly: false, line: 1 },
    { specifier: './x.js', resolved: 'core/x.ts', kind: 'local', typeOnly: true, line: 5 },
    { specifier: './x.js', resolved: 'core/x.ts', kind: 'local', typeOnly: false, line: 8 },
  ]);
});

test('an import inside a comment or a string is ignored', async (t) => {
  const dir = await fixture(t, {
    'core/a.ts': [
      `// import { readFileSync } from 'node:fs';`,
      `/* import '../api/x.js';`,
      `   export * from 'pg'; */`,
      `/** Example: \`import { a } from 'kysely'\` */`,
      `export const s = "import x from 'node:net'";`,
      `export const t = \`import('node:child_process') \${"import 'node:os'"} \${ { k: 1 }.k }\`;`,
      `export const r = /import '(node:dns)'/;`,
      `export const half = 1 / 2; // import 'node:tls'`,
      `import { b } from './b.js';`,
      `export const c = b;`,
    ].join('\n'),
    'core/b.ts': `export const b = 1;\n`,
  });
  const graph = readImportGraph(dir);
  assert.deepEqual(
    edgesOf(graph, 'core/a.ts').map((e) => [e.specifier, e.line]),
    [['./b.js', 9]],
  );
  assert.deepEqual(checkLayers(graph, LAYERS), []);
});

test('a dynamic import is seen', async (t) => {
  const dir = await fixture(t, {
    'core/a.ts': `export async function load() {\n  const m = await import(\n    '../store/db.js'\n  );\n  const fs = await import(\`node:fs\`);\n  return [m, fs];\n}\n`,
    'store/db.ts': `export const db = 1;\n`,
  });
  const graph = readImportGraph(dir);
  assert.deepEqual(
    edgesOf(graph, 'core/a.ts').map((e) => [e.specifier, e.resolved, e.kind, e.typeOnly]),
    [
      ['../store/db.js', 'store/db.ts', 'local', false],
      ['node:fs', undefined, 'node', false],
    ],
  );
  assert.equal(checkLayers(graph, LAYERS).length, 2);
});

test('./x/index.js resolves to x/index.ts and *.d.ts files are skipped', async (t) => {
  const dir = await fixture(t, {
    'api/a.ts': `import { h } from './routes/index.js';\nexport const a = h;\n`,
    'api/routes/index.ts': `export const h = 1;\n`,
    'api/types.d.ts': `import 'node:fs';\ndeclare const x: number;\n`,
  });
  const graph = readImportGraph(dir);
  assert.deepEqual([...graph.keys()], ['api/a.ts', 'api/routes/index.ts']);
  assert.equal(edgesOf(graph, 'api/a.ts')[0]?.resolved, 'api/routes/index.ts');
});

test('a layer allowed only the types of another is reported when it imports a value from it', async (t) => {
  const dir = await fixture(t, {
    'api/port.ts': `export interface Port { x: number }\nexport const helper = 1;\n`,
    'deploy/ok.ts': `import type { Port } from '../api/port.js';\nexport const p: Port = { x: 1 };\n`,
    'deploy/bad.ts': `import { helper } from '../api/port.js';\nexport const h = helper;\n`,
  });
  const rules = { api: { mayImport: [], node: false, packages: false }, deploy: { mayImport: [], mayImportTypes: ['api'], node: false, packages: false } };
  assert.deepEqual(checkLayers(readImportGraph(dir), rules), ['deploy/bad.ts imports ../api/port.js: deploy may import only types from api (write `import type`)']);
});

test('the layering table only names folders it defines', () => {
  assert.deepEqual(checkLayers(new Map(), LAYERS), []);
  assert.deepEqual(checkLayers(new Map(), { core: { mayImport: ['nowhere'], node: false, packages: false } }), [
    'test/architecture/layers.ts: core.mayImport names "nowhere", which is not in the table',
  ]);
});
