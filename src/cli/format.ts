/** Rows of cells → aligned columns separated by two spaces; the last column is not padded. */
export function formatTable(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

/** `Key:   value` lines with the values aligned, as in `berth apps:info`. */
export function formatKeyValues(pairs: readonly (readonly [string, string])[]): string[] {
  const width = Math.max(0, ...pairs.map(([key]) => key.length + 1));
  return pairs.map(([key, value]) => `${`${key}:`.padEnd(width)}  ${value}`.trimEnd());
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * `2026/11/22 10:00:00 (~ 1m ago)` in local time, as the official CLI shows dyno and release
 * times; the `(~ …)` part only within 25 hours.
 */
export function formatWhen(when: Date, now: Date): string {
  if (Number.isNaN(when.getTime())) return '';
  const stamp = `${when.getFullYear()}/${pad2(when.getMonth() + 1)}/${pad2(when.getDate())} ${pad2(when.getHours())}:${pad2(when.getMinutes())}:${pad2(when.getSeconds())}`;
  const elapsed = Math.max(0, Math.floor((now.getTime() - when.getTime()) / 1000));
  if (elapsed < 60) return `${stamp} (~ ${elapsed}s ago)`;
  if (elapsed < 3600) return `${stamp} (~ ${Math.floor(elapsed / 60)}m ago)`;
  if (elapsed < 25 * 3600) return `${stamp} (~ ${Math.floor(elapsed / 3600)}h ago)`;
  return stamp;
}
