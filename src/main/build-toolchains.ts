/**
 * The host toolchains build dynos see beside the stack. Dynos never see the host's /usr/local;
 * the one exception is the Go toolchain of a host that has it in /usr/local/go (where Go's own
 * installer puts it), bound read-only at the same path into build dynos only, for the Go buildpack.
 */
import { existsSync } from 'node:fs';
import type { ToolchainBind } from '../builder/dyno-build-sandbox.js';

/** Toolchain directories that exist on this host, each bound at its own path. */
export function buildToolchains(candidates: readonly string[] = ['/usr/local/go']): ToolchainBind[] {
  return candidates.filter((dir) => existsSync(`${dir}/bin`)).map((dir) => ({ source: dir, target: dir }));
}
