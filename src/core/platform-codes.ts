/**
 * The dyno (R) and log (L) codes users see in their log stream, with their owner (whose fault
 * it is). docs/errors.md lists them and a test keeps the two equal. Router codes live in
 * router-codes.ts, API error ids in errors.ts.
 */
export const dynoCodes = {
  R10: { desc: 'Boot timeout', owner: 'app' },
  R12: { desc: 'Exit timeout', owner: 'app' },
  R13: { desc: 'Attach error', owner: 'app' },
  R14: { desc: 'Memory quota exceeded', owner: 'app' },
  R15: { desc: 'Memory quota vastly exceeded', owner: 'app' },
  R99: { desc: 'Platform error', owner: 'platform' },
} as const;

export const logCodes = {
  L10: { desc: 'output buffer overflow', owner: 'platform' },
  L11: { desc: 'Tail buffer overflow', owner: 'platform' },
  L14: { desc: 'certificate validation', owner: 'app' },
} as const;

export type DynoCode = keyof typeof dynoCodes;

/** `Error R14 (Memory quota exceeded)`, with ` -> detail` when given. */
export function dynoError(code: DynoCode, detail?: string): string {
  return `Error ${code} (${dynoCodes[code].desc})${detail ? ` -> ${detail}` : ''}`;
}
