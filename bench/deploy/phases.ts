/**
 * A deploy's phases, read off the timestamped `git push --progress` output. Contiguous, so they
 * add up to the total (push start → first 200 of the new release through the router):
 *
 *   git_upload       push start → `Total N` (git spawn, ref advertisement, pack sent)
 *   receive          → `-----> Building on …` (receive-pack, pre-receive hook, build record,
 *                      git archive + extract of the pushed tree)
 *   detect           → `-----> X app detected` (bin/detect of the built-ins, in build dynos)
 *   compile          → `-----> Compressing...` (bin/compile and bin/release in build dynos,
 *                      Procfile discovery)
 *   slug_pack_store  → `Done: <size>` (tar + gzip of /app, archive check, blob store put: no line
 *                      separates packing from storing)
 *   release          → `Released vN` (slug row, release vN, build finished)
 *   boot             → `Verifying deploy... done.` (dyno manager, slug unpack, dyno start, port
 *                      bound, reported up; the push checks every 50 ms)
 *   route            → first 200 with the new marker (route table to the router workers; may be
 *                      negative: the router can serve before the push's 50 ms check notices)
 *
 * Sub-phases (inside the phases above, not added to the total):
 *   npm_install               nodejs buildpack: `Installing dependencies` → `Build`
 *   compile_dyno_first_line   `app detected` → the compile dyno's first output line
 *   boot_schedule             `Released vN` → the agent logs `Starting process` (dyno manager
 *                             plan, slug unpack, agent RPC)
 *   boot_process              → `State changed from starting to up` (sandbox, the app's own
 *                             start, e.g. `npm start`, until its port is bound)
 *   boot_verify_notice        → `Verifying deploy... done.` (the push's 50 ms poll, streaming)
 * The boot_* marks come from the app's log history (the agent's timestamps).
 */
import type { TimedLine } from './timed-push.js';

export const PHASES = ['git_upload', 'receive', 'detect', 'compile', 'slug_pack_store', 'release', 'boot', 'route'] as const;
export type Phase = (typeof PHASES)[number];

const MARKS: Array<[string, RegExp]> = [
  ['pack', /^Total \d+/],
  ['building', /^remote: -----> Building on /],
  ['detected', /^remote: -----> .+ app detected/],
  ['compressing', /^remote: -----> Compressing/],
  ['slug_done', /^remote:\s+Done: /],
  ['released', /^remote:\s+Released v\d+/],
  ['verified', /^remote: Verifying deploy\.\.\. done/],
  // Sub-marks (not phases): npm's share of compile in the nodejs buildpack.
  ['npm_install', /^remote: -----> Installing dependencies/],
  ['npm_done', /^remote: -----> Build$/],
];

export function marksOf(lines: TimedLine[]): Record<string, number> {
  const marks: Record<string, number> = {};
  for (const line of lines) {
    for (const [name, pattern] of MARKS) if (marks[name] === undefined && pattern.test(line.text)) marks[name] = line.t;
  }
  // The first build line after `app detected`: how long a build dyno takes to say something.
  const detected = lines.findIndex((l) => /^remote: -----> .+ app detected/.test(l.text));
  const next = detected >= 0 ? lines.slice(detected + 1).find((l) => l.text.startsWith('remote:')) : undefined;
  if (next) marks.compile_first_line = next.t;
  return marks;
}

export const SUB_PHASES: Array<[string, string, string]> = [
  ['npm_install', 'npm_install', 'npm_done'],
  ['compile_dyno_first_line', 'detected', 'compile_first_line'],
  ['boot_schedule', 'released', 'dyno_starting'],
  ['boot_process', 'dyno_starting', 'dyno_up'],
  ['boot_verify_notice', 'dyno_up', 'verified'],
];

const span = (from: number | undefined, to: number | undefined): number | undefined => (from !== undefined && to !== undefined ? Math.round((to - from) * 10) / 10 : undefined);

/** Phases and sub-phases in ms; `marks` may include the boot marks from the log history. */
export function phasesOf(marks: Record<string, number>, firstMs: number | undefined): Record<string, number> {
  const points: Array<number | undefined> = [0, marks.pack, marks.building, marks.detected, marks.compressing, marks.slug_done, marks.released, marks.verified, firstMs];
  const out: Record<string, number> = {};
  PHASES.forEach((phase, i) => {
    const ms = span(points[i], points[i + 1]);
    if (ms !== undefined) out[phase] = ms;
  });
  for (const [name, from, to] of SUB_PHASES) {
    const ms = span(marks[from], marks[to]);
    if (ms !== undefined) out[name] = ms;
  }
  return out;
}
