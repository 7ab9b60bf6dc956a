/**
 * The stacks a Berth install offers, and how names clients send map to them. One stack,
 * `berth-24`: a Debian 13 root filesystem built by Berth (stacks/berth-24/*.packages). Heroku's
 * names (`heroku-24`, `heroku-22`) are accepted wherever a stack is named and resolve to it with a
 * one-line notice, because apps and clients written for Heroku send them (its glibc is newer than
 * Ubuntu 24.04's, so binaries built for Heroku-24 run on it). Pure.
 */

export interface StackInfo {
  /** Stable uuid, as GET /stacks returns it. */
  id: string;
  name: string;
  /** What the root filesystem is built from, e.g. `Debian 13 (trixie)`. */
  base: string;
  /** Debian suite the images are built from. */
  suite: string;
}

export const BERTH_24: StackInfo = { id: 'ee582d3c-717d-4a57-ba5f-8b3a39f3a817', name: 'berth-24', base: 'Debian 13 (trixie)', suite: 'trixie' };

/** Every stack of this install; the first is the default. */
export const STACKS: readonly StackInfo[] = [BERTH_24];
export const DEFAULT_STACK: StackInfo = BERTH_24;

/** Heroku stack names Berth accepts, and the stack each becomes. */
const HEROKU_ALIASES: Readonly<Record<string, StackInfo>> = { 'heroku-24': BERTH_24, 'heroku-22': BERTH_24, 'heroku-20': BERTH_24 };

export interface ResolvedStack {
  stack: StackInfo;
  /** Set when a Heroku name was mapped: one line to show the user. */
  notice?: string;
}

/** The stack a client's name (or id) means; undefined when none of this install's stacks. */
export function resolveStack(requested: string): ResolvedStack | undefined {
  const own = STACKS.find((s) => s.name === requested || s.id === requested);
  if (own) return { stack: own };
  const alias = HEROKU_ALIASES[requested.toLowerCase()];
  if (!alias) return undefined;
  return { stack: alias, notice: `Stack ${requested} is Heroku's; this Berth builds and runs it on ${alias.name} (${alias.base}), which runs Heroku-24 binaries.` };
}

/** For an error message: the stacks a client may name. */
export function stackChoices(): string {
  return [...STACKS.map((s) => s.name), ...Object.keys(HEROKU_ALIASES)].map((n) => `"${n}"`).join(', ');
}
