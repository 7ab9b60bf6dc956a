// What the dynos of a test's Berth see as /, and the runtime versions found there, so a test that
// asserts "the stack's Python" or "the stack's JDK" holds on either root: the berth-24 images
// (the default, from the per-host cache) or the host's own /usr (`--dyno-root host` or
// BERTH_DYNO_ROOT=host). Versions are read from the root's files, never by running its binaries.
import { readFile, readlink } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { defaultDynoRoot } from '../../src/main/options.js';
import { hostStackImages } from './stack-images.js';

export interface DynoRoots {
  kind: 'stack' | 'host';
  /** What run dynos see as / (a directory on this host). */
  run: string;
  /** What build dynos see as /. */
  build: string;
}

/** The roots `up` uses with these arguments and this process's environment. */
export async function dynoRoots(args: readonly string[] = []): Promise<DynoRoots> {
  const flag = args.indexOf('--dyno-root');
  const kind = flag >= 0 ? args[flag + 1] : defaultDynoRoot(process.env);
  if (kind === 'host') return { kind, run: '/', build: '/' };
  if (kind !== 'stack') throw new Error(`dynoRoots: unknown dyno root ${JSON.stringify(kind)}`);
  const images = await hostStackImages();
  return { kind, run: images.run, build: images.build };
}

/** Follows symlinks as a process chrooted at `root` would (absolute targets start at `root`). */
async function resolveIn(root: string, path: string): Promise<string> {
  let current = path;
  for (let hop = 0; hop < 40; hop++) {
    let target: string;
    try {
      target = await readlink(join(root, current));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EINVAL') return current; // not a symlink
      throw err;
    }
    current = posix.isAbsolute(target) ? target : posix.join(posix.dirname(current), target);
  }
  throw new Error(`resolveIn: too many symlinks from ${path} in ${root}`);
}

/** The root's `python3` as "3.N" (its /usr/bin/python3 names python3.N). */
export async function pythonVersion(root: string): Promise<string> {
  const binary = await resolveIn(root, '/usr/bin/python3');
  const match = /python(3\.\d+)$/.exec(binary);
  if (!match) throw new Error(`pythonVersion: ${root}/usr/bin/python3 resolves to ${binary}`);
  return match[1]!;
}

/** The feature version (e.g. 21) of the JDK the root's `javac` (or `java`) is. */
export async function javaFeatureVersion(root: string, command: 'javac' | 'java' = 'javac'): Promise<number> {
  const binary = await resolveIn(root, `/usr/bin/${command}`);
  const home = posix.dirname(posix.dirname(binary));
  const release = await readFile(join(root, home, 'release'), 'utf8');
  const match = /^JAVA_VERSION="(\d+)/m.exec(release);
  if (!match) throw new Error(`javaFeatureVersion: no JAVA_VERSION in ${root}${home}/release`);
  return Number(match[1]);
}
