// An ImageBuilder that writes a tiny but real root filesystem per image (two files each) for
// tests of the stack cache and of stack updates: a real berth-24 build takes minutes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImageBuilder, ImageTargets } from '../../src/stacks/stack-cache.js';

export class TinyRootfsBuilder implements ImageBuilder {
  builds = 0;
  /** When set, build() waits for it after it started (a build in progress). */
  hold: Promise<void> | undefined;
  started: (() => void) | undefined;

  /** Every build writes the same files (Debian changed nothing since the last build). */
  sameContent = false;

  /** What it builds from (like the package lists); undefined: no inputs() at all. */
  lists: string | undefined;

  describe(): string {
    return 'tiny test rootfs';
  }

  inputs(): string {
    return this.lists ?? 'tiny';
  }

  async build(targets: ImageTargets, progress: (line: string) => void) {
    this.builds += 1;
    this.started?.();
    if (this.hold) await this.hold;
    for (const image of ['run', 'build'] as const) {
      await mkdir(join(targets[image], 'usr', 'bin'), { recursive: true });
      await mkdir(join(targets[image], 'etc'), { recursive: true });
      await writeFile(join(targets[image], 'etc', 'os-release'), `ID=tiny\nBUILD=${this.sameContent ? 'same' : this.builds}\n`);
      await writeFile(join(targets[image], 'usr', 'bin', 'tool'), `#!/bin/sh\necho ${image}\n`, { mode: 0o755 });
    }
    progress('tiny images written');
    return { run: ['base-files=1'], build: ['base-files=1', 'gcc=1'] };
  }
}
