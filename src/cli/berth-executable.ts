import { fileURLToPath } from 'node:url';

/** This install's `bin/berth` (compiled code lives in dist/src/cli/), for git's credential helper. */
export function berthExecutable(): string {
  return fileURLToPath(new URL('../../../bin/berth', import.meta.url));
}
