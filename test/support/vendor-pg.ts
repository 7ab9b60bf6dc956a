// The `pg` npm client and its dependency tree, copied from this repo's node_modules into an
// app's node_modules before a push or setup, so the Node.js build needs no registry.
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from './repo-root.js';

const NODE_MODULES = join(repoRoot(), 'node_modules');

/** `pkg` and everything it depends on (dependencies and optional ones) as found in node_modules. */
async function dependencyTree(pkg: string, seen = new Set<string>()): Promise<Set<string>> {
  if (seen.has(pkg)) return seen;
  seen.add(pkg);
  const manifest = JSON.parse(await readFile(join(NODE_MODULES, pkg, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    if (await readFile(join(NODE_MODULES, dep, 'package.json')).then(() => true, () => false)) await dependencyTree(dep, seen);
  }
  return seen;
}

/** Copies pg's dependency tree into `dir`/node_modules (the Node.js buildpack keeps what satisfies package.json). */
export async function vendorPg(dir: string): Promise<void> {
  for (const pkg of await dependencyTree('pg')) await cp(join(NODE_MODULES, pkg), join(dir, 'node_modules', pkg), { recursive: true });
}
