// Import-graph reader, layering check and circular-import check for Berth.
//
// No dependencies: a tiny lexer blanks out comments and the *contents* of
// string, template and regex literals (keeping every character offset), then
// regular expressions find import/export statements in what is left, and the
// specifier text is read back from the original source at the same offset.
// That is enough for our own, tsc-checked sources; it is not a full parser.
//
// The layering table lives in ./layers.ts; ARCHITECTURE.md explains it.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';

export type ImportKind = 'local' | 'node' | 'package';

export interface ImportEdge {
  /** The specifier exactly as written, e.g. `../core/model.js`, `node:fs`, `kysely`. */
  specifier: string;
  /** For local imports: the target file, relative to rootDir with `/` separators
   *  (starts with `../` if it lies outside rootDir). Absent if no file was found. */
  resolved?: string;
  kind: ImportKind;
  /** `import type …`, `export type … from`, `import { type A, type B }` (every
   *  binding type-only) and `typeof import('…')`: erased by tsc, no runtime edge. */
  typeOnly: boolean;
  /** 1-based line of the statement, for humans. */
  line: number;
}

export type ImportGraph = Map<string, ImportEdge[]>;

export interface LayerRule {
  /** Other top-level folders this one may import (its own folder is always allowed). */
  mayImport: string[];
  /** Folders this one may import types from only (`import type`): the ports it implements. */
  mayImportTypes?: string[];
  /** May use Node.js builtins (`node:fs`, or unprefixed `fs`). */
  node: boolean;
  /** npm packages allowed: all (true), none (false), or these (subpaths included). */
  packages: boolean | string[];
  /** Groups of globs (relative to the folder) whose files must not import one
   *  another across globs, e.g. [['sqlite*', 'postgres*']]. `*` stays within a
   *  path segment, `**` spans segments; a glob matching a directory covers the
   *  files under it. */
  isolated?: string[][];
}

export type LayerRules = Record<string, LayerRule>;

const TABLE = 'test/architecture/layers.ts';

// ---------------------------------------------------------------------------
// Reading the graph

export function readImportGraph(rootDir: string): ImportGraph {
  const root = path.resolve(rootDir);
  const graph: ImportGraph = new Map();
  for (const abs of listTsFiles(root)) {
    const source = readFileSync(abs, 'utf8');
    const edges = parseImports(source).map((raw): ImportEdge => {
      const kind = classify(raw.specifier);
      const edge: ImportEdge = { specifier: raw.specifier, kind, typeOnly: raw.typeOnly, line: raw.line };
      if (kind === 'local') {
        const target = resolveLocal(abs, raw.specifier);
        if (target !== undefined) edge.resolved = toPosix(path.relative(root, target));
      }
      return edge;
    });
    graph.set(toPosix(path.relative(root, abs)), edges);
  }
  return graph;
}

function listTsFiles(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
      out.push(...listTsFiles(abs));
    } else if (entry.isFile() && (entry.name.endsWith('.ts') || entry.name.endsWith('.tsx')) && !entry.name.endsWith('.d.ts')) {
      out.push(abs);
    }
  }
  return out;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

function classify(specifier: string): ImportKind {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') return 'local';
  if (specifier.startsWith('/') || specifier.startsWith('file:')) return 'local';
  if (specifier.startsWith('node:') || isBuiltin(specifier)) return 'node';
  return 'package';
}

function resolveLocal(fromFile: string, specifier: string): string | undefined {
  let base: string;
  if (specifier.startsWith('file:')) {
    try {
      base = new URL(specifier).pathname;
    } catch {
      return undefined;
    }
  } else {
    base = path.resolve(path.dirname(fromFile), specifier);
  }
  const candidates: string[] = [];
  if (base.endsWith('.js')) candidates.push(base.slice(0, -3) + '.ts', base.slice(0, -3) + '.tsx');
  else if (base.endsWith('.mjs')) candidates.push(base.slice(0, -4) + '.mts');
  else if (base.endsWith('.cjs')) candidates.push(base.slice(0, -4) + '.cts');
  candidates.push(base);
  if (path.extname(base) === '') candidates.push(base + '.ts', path.join(base, 'index.ts'));
  for (const candidate of candidates) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/** Package name of a bare specifier: `@scope/name/sub` → `@scope/name`, `name/sub` → `name`. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

// ---------------------------------------------------------------------------
// Parsing

export interface RawImport {
  specifier: string;
  typeOnly: boolean;
  line: number;
}

const ID = String.raw`[\w$]+`;
const NAMED = String.raw`\{[^}]*\}`;
const NAMESPACE = String.raw`\*\s*as\s+${ID}`;
const CLAUSE = String.raw`(?:${ID}(?:\s*,\s*(?:${NAMED}|${NAMESPACE}))?|${NAMED}|${NAMESPACE})`;
const KW = String.raw`(?<![\w$.])`; // not part of an identifier or a property access

const PATTERNS: { re: RegExp; typeOnly: (m: RegExpExecArray) => boolean }[] = [
  // import X from '…' / import { a, b } from '…' / import * as n from '…' / import type …
  {
    re: new RegExp(String.raw`${KW}import\s+(type\s+)?(${CLAUSE})\s*from\s*(['"])`, 'g'),
    typeOnly: (m) => m[1] !== undefined || allBindingsTypeOnly(m[2] ?? ''),
  },
  // import '…'
  { re: new RegExp(String.raw`${KW}import\s*(['"])`, 'g'), typeOnly: () => false },
  // export * from '…' / export * as n from '…' / export { a } from '…' / export type …
  {
    re: new RegExp(String.raw`${KW}export\s+(type\s+)?(\*(?:\s*as\s+${ID})?|${NAMED})\s*from\s*(['"])`, 'g'),
    typeOnly: (m) => m[1] !== undefined || allBindingsTypeOnly(m[2] ?? ''),
  },
  // import('…'), typeof import('…') (type position)
  {
    re: new RegExp(String.raw`(${KW}typeof\s*)?${KW}import\s*\(\s*(['"\x60])`, 'g'),
    typeOnly: (m) => m[1] !== undefined,
  },
  // import x = require('…') and plain require('…') (createRequire): still imports
  {
    re: new RegExp(String.raw`${KW}import\s+(type\s+)?${ID}\s*=\s*require\s*\(\s*(['"])`, 'g'),
    typeOnly: (m) => m[1] !== undefined,
  },
  { re: new RegExp(String.raw`${KW}require\s*\(\s*(['"])`, 'g'), typeOnly: () => false },
];

/** `{ type A, type B as C }`: every binding is type-only, so tsc drops the import. */
function allBindingsTypeOnly(clause: string): boolean {
  const trimmed = clause.trim();
  if (!trimmed.startsWith('{')) return false;
  const names = trimmed
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length > 0 && names.every((n) => /^type\s+[\w$]+(\s+as\s+[\w$]+)?$/.test(n) && !/^type\s+as\s+[\w$]+$/.test(n));
}

export function parseImports(source: string): RawImport[] {
  const masked = maskSource(source);
  const found: (RawImport & { at: number })[] = [];
  const seen = new Set<number>();
  for (const { re, typeOnly } of PATTERNS) {
    re.lastIndex = 0;
    for (let m = re.exec(masked); m !== null; m = re.exec(masked)) {
      const open = m.index + m[0].length - 1;
      const quote = masked[open] as string;
      const close = masked.indexOf(quote, open + 1);
      if (close < 0 || seen.has(open)) continue;
      const specifier = source.slice(open + 1, close);
      if (quote === '`' && specifier.includes('${')) continue; // computed: cannot check
      seen.add(open);
      found.push({ specifier, typeOnly: typeOnly(m), line: lineOf(source, m.index), at: m.index });
    }
  }
  found.sort((a, b) => a.at - b.at);
  return found.map(({ specifier, typeOnly, line }) => ({ specifier, typeOnly, line }));
}

function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (source.charCodeAt(i) === 10) line++;
  return line;
}

const REGEX_AFTER_WORD = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await',
]);

/**
 * Same-length copy of `source` with comments turned into spaces and the
 * contents of string, template and regex literals turned into spaces (the
 * delimiters stay; newlines stay so line numbers still match). Template
 * substitutions `${…}` are code and are kept.
 */
export function maskSource(source: string): string {
  const out = source.split('');
  const n = source.length;
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to && k < n; k++) if (out[k] !== '\n' && out[k] !== '\r') out[k] = ' ';
  };
  const templateStack: number[] = []; // brace depth at each open `${`
  let braces = 0;
  // What came before, to tell a regex literal from a division.
  let prev: { kind: 'start' | 'word' | 'value' | 'punct'; text: string } = { kind: 'start', text: '' };

  // Scans template text from p; returns where code resumes.
  const templateBody = (p: number): number => {
    const start = p;
    while (p < n) {
      const c = source[p];
      if (c === '\\') {
        p += 2;
      } else if (c === '`') {
        blank(start, p);
        prev = { kind: 'value', text: '`' };
        return p + 1;
      } else if (c === '$' && source[p + 1] === '{') {
        blank(start, p);
        templateStack.push(braces);
        prev = { kind: 'punct', text: '{' };
        return p + 2;
      } else {
        p++;
      }
    }
    blank(start, n);
    return n;
  };

  let i = 0;
  while (i < n) {
    const c = source[i] as string;
    const next = source[i + 1];
    if (c === '/' && next === '/') {
      let end = source.indexOf('\n', i);
      if (end < 0) end = n;
      blank(i, end);
      i = end;
    } else if (c === '/' && next === '*') {
      const close = source.indexOf('*/', i + 2);
      const end = close < 0 ? n : close + 2;
      blank(i, end);
      i = end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < n && source[j] !== c && source[j] !== '\n') j += source[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
      prev = { kind: 'value', text: c };
    } else if (c === '`') {
      i = templateBody(i + 1);
    } else if (c === '/' && regexAllowed(prev)) {
      let j = i + 1;
      let inClass = false;
      while (j < n && source[j] !== '\n') {
        const d = source[j];
        if (d === '\\') {
          j += 2;
          continue;
        }
        if (d === '[') inClass = true;
        else if (d === ']') inClass = false;
        else if (d === '/' && !inClass) break;
        j++;
      }
      if (j < n && source[j] === '/') {
        blank(i + 1, j);
        i = j + 1;
        while (i < n && /[a-z]/i.test(source[i] as string)) i++;
        prev = { kind: 'value', text: '/' };
      } else {
        prev = { kind: 'punct', text: '/' }; // not a regex after all
        i++;
      }
    } else if (/[\w$]/.test(c)) {
      let j = i + 1;
      while (j < n && /[\w$]/.test(source[j] as string)) j++;
      const word = source.slice(i, j);
      prev = /^\d/.test(word) ? { kind: 'value', text: word } : { kind: 'word', text: word };
      i = j;
    } else if (c === '{') {
      braces++;
      prev = { kind: 'punct', text: c };
      i++;
    } else if (c === '}') {
      if (templateStack.length > 0 && templateStack[templateStack.length - 1] === braces) {
        templateStack.pop();
        i = templateBody(i + 1);
      } else {
        braces--;
        prev = { kind: 'punct', text: c };
        i++;
      }
    } else {
      if (!/\s/.test(c)) prev = { kind: 'punct', text: c };
      i++;
    }
  }
  return out.join('');
}

function regexAllowed(prev: { kind: string; text: string }): boolean {
  if (prev.kind === 'start') return true;
  if (prev.kind === 'value') return false;
  if (prev.kind === 'word') return REGEX_AFTER_WORD.has(prev.text);
  return prev.text !== ')' && prev.text !== ']' && prev.text !== '}';
}

// ---------------------------------------------------------------------------
// Layering

/** Top-level folder of a rootDir-relative path; undefined for files directly in rootDir. */
function layerOf(file: string): string | undefined {
  const slash = file.indexOf('/');
  return slash < 0 ? undefined : file.slice(0, slash);
}

function describeAllowed(layer: string, rule: LayerRule): string {
  const parts = [layer, ...rule.mayImport.filter((l) => l !== layer), ...(rule.mayImportTypes ?? []).map((l) => `types of ${l}`)];
  if (rule.node) parts.push('node: builtins');
  if (rule.packages === true) parts.push('any npm package');
  else if (Array.isArray(rule.packages) && rule.packages.length > 0) parts.push(`npm packages ${rule.packages.join(', ')}`);
  return `${layer} may import only ${parts.join(', ')}`;
}

/**
 * Checks every edge against the table. `prefix` is prepended to file names in
 * messages (e.g. 'src/'), so they read as repo-relative paths.
 */
export function checkLayers(graph: ImportGraph, rules: LayerRules, options: { prefix?: string } = {}): string[] {
  const prefix = options.prefix ?? '';
  const violations: string[] = [];

  for (const [layer, rule] of Object.entries(rules)) {
    for (const [field, others] of [['mayImport', rule.mayImport], ['mayImportTypes', rule.mayImportTypes ?? []]] as const) {
      for (const other of others) {
        if (!Object.hasOwn(rules, other)) violations.push(`${TABLE}: ${layer}.${field} names "${other}", which is not in the table`);
      }
    }
  }

  for (const [file, edges] of graph) {
    const layer = layerOf(file);
    if (layer === undefined) {
      violations.push(`${prefix}${file}: unknown layer (not inside a component folder): move it into one listed in ${TABLE}`);
      continue;
    }
    if (!Object.hasOwn(rules, layer)) {
      violations.push(`${prefix}${file}: unknown layer "${layer}": add it to the table in ${TABLE}`);
      continue;
    }
    const rule = rules[layer] as LayerRule;
    const allowed = describeAllowed(layer, rule);
    const fileInLayer = file.slice(layer.length + 1);

    for (const edge of edges) {
      const what = `${prefix}${file} imports ${edge.specifier}`;
      if (edge.kind === 'node') {
        if (!rule.node) violations.push(`${what}: ${allowed}`);
      } else if (edge.kind === 'package') {
        const name = packageName(edge.specifier);
        const ok = rule.packages === true || (Array.isArray(rule.packages) && rule.packages.includes(name));
        if (!ok) violations.push(`${what}: ${allowed}`);
      } else if (edge.resolved === undefined) {
        violations.push(`${what}: cannot resolve it to a file (write relative imports as './x.js' for './x.ts')`);
      } else if (edge.resolved.startsWith('../') || path.isAbsolute(edge.resolved)) {
        violations.push(`${what}: it lies outside ${prefix || 'the checked tree'}; ${allowed}`);
      } else {
        const target = edge.resolved;
        const targetLayer = layerOf(target);
        if (targetLayer === undefined) {
          violations.push(`${what}: ${target} belongs to no layer; ${allowed}`);
        } else if (targetLayer !== layer && !rule.mayImport.includes(targetLayer)) {
          const typesOnly = rule.mayImportTypes?.includes(targetLayer);
          if (!typesOnly) violations.push(`${what}: ${allowed}`);
          else if (!edge.typeOnly) violations.push(`${what}: ${layer} may import only types from ${targetLayer} (write \`import type\`)`);
        } else if (targetLayer === layer && rule.isolated) {
          const targetInLayer = target.slice(layer.length + 1);
          for (const group of rule.isolated) {
            const from = group.find((g) => globMatches(g, fileInLayer));
            const to = group.find((g) => globMatches(g, targetInLayer));
            if (from !== undefined && to !== undefined && from !== to) {
              violations.push(`${what}: ${layer}/${from} must not import ${layer}/${to} (isolated group [${group.join(', ')}] in ${TABLE})`);
            }
          }
        }
      }
    }
  }
  return violations;
}

/** Glob match against a path or any of its leading directories. */
export function globMatches(glob: string, file: string): boolean {
  const re = new RegExp(
    '^' +
      glob
        .split(/(\*\*\/?|\*)/)
        .map((part) => (part === '**' || part === '**/' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
  );
  const segments = file.split('/');
  for (let k = segments.length; k >= 1; k--) {
    if (re.test(segments.slice(0, k).join('/'))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Cycles

/**
 * Strongly connected components (Tarjan) of the runtime import graph — local
 * edges to files in the graph, type-only edges left out — that contain more
 * than one file or a file importing itself. Each is sorted; the list is sorted
 * by first file.
 */
export function findCycles(graph: ImportGraph): string[][] {
  const succ = runtimeSuccessors(graph);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const result: string[][] = [];
  let counter = 0;

  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    // Iterative Tarjan: frames of (node, next successor position).
    const frames: { node: string; next: number }[] = [];
    const visit = (node: string): void => {
      index.set(node, counter);
      low.set(node, counter);
      counter++;
      stack.push(node);
      onStack.add(node);
      frames.push({ node, next: 0 });
    };
    visit(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { node: string; next: number };
      const targets = succ.get(frame.node) ?? [];
      if (frame.next < targets.length) {
        const target = targets[frame.next++] as string;
        if (!index.has(target)) {
          visit(target);
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node) as number, index.get(target) as number));
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent !== undefined) low.set(parent.node, Math.min(low.get(parent.node) as number, low.get(frame.node) as number));
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop() as string;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        if (component.length > 1 || targets.includes(frame.node)) result.push(component.sort());
      }
    }
  }
  return result.sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
}

function runtimeSuccessors(graph: ImportGraph): Map<string, string[]> {
  const succ = new Map<string, string[]>();
  for (const [file, edges] of graph) {
    const targets = new Set<string>();
    for (const e of edges) {
      if (e.kind === 'local' && !e.typeOnly && e.resolved !== undefined && graph.has(e.resolved)) targets.add(e.resolved);
    }
    succ.set(file, [...targets].sort());
  }
  return succ;
}

/**
 * One concrete import chain through a cycle found by findCycles, for messages:
 * "a.ts → b.ts → a.ts", plus the rest of the component if it is larger.
 */
export function describeCycle(graph: ImportGraph, component: string[]): string {
  const members = new Set(component);
  const succ = runtimeSuccessors(graph);
  const first = component[0] as string;
  // Breadth-first search for the shortest path first → … → first inside the component.
  const parent = new Map<string, string>();
  const queue = [first];
  let closing: string | undefined;
  search: while (queue.length > 0) {
    const node = queue.shift() as string;
    for (const t of succ.get(node) ?? []) {
      if (!members.has(t)) continue;
      if (t === first) {
        closing = node;
        break search;
      }
      if (!parent.has(t)) {
        parent.set(t, node);
        queue.push(t);
      }
    }
  }
  const chain: string[] = [first];
  if (closing !== undefined) {
    const back: string[] = [];
    for (let n: string | undefined = closing; n !== undefined && n !== first; n = parent.get(n)) back.push(n);
    chain.push(...back.reverse(), first);
  }
  const rest = component.filter((f) => !chain.includes(f));
  return chain.join(' → ') + (rest.length > 0 ? ` (same cycle also involves ${rest.join(', ')})` : '');
}
