/** Median and p90 (nearest rank) of samples, in ms rounded to 0.1; undefined samples are dropped. */
export interface Summary {
  median: number | null;
  p90: number | null;
  min: number | null;
  max: number | null;
  n: number;
}

export function summarize(samples: Array<number | undefined>): Summary {
  const s = samples.filter((v): v is number => v !== undefined && Number.isFinite(v)).sort((a, b) => a - b);
  const round = (v: number | undefined): number | null => (v === undefined ? null : Math.round(v * 10) / 10);
  const rank = (q: number): number | undefined => s[Math.max(0, Math.ceil(q * s.length) - 1)];
  const median = s.length === 0 ? undefined : s.length % 2 === 1 ? s[(s.length - 1) / 2] : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
  return { median: round(median), p90: round(rank(0.9)), min: round(s[0]), max: round(s.at(-1)), n: s.length };
}
