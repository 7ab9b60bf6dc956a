import type { Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Applies a Range page to a list held in memory (short per-app lists such as domains): bounds,
 * order and max by the value `keyOf` gives each item, with `nextAfter` when more follow.
 */
export function pageItems<T>(items: readonly T[], page: PageRequest, keyOf: (item: T) => string): Page<T> {
  const up = page.order === 'asc';
  const inRange = (key: string) => {
    if (page.start !== undefined) {
      const c = compare(key, page.start);
      if (up ? c < 0 || (c === 0 && page.startExclusive) : c > 0 || (c === 0 && page.startExclusive)) return false;
    }
    if (page.end !== undefined) {
      const c = compare(key, page.end);
      if (up ? c > 0 : c < 0) return false;
    }
    return true;
  };
  const sorted = items.filter((item) => inRange(keyOf(item))).sort((a, b) => (up ? 1 : -1) * compare(keyOf(a), keyOf(b)));
  const kept = sorted.slice(0, page.max);
  const last = kept[kept.length - 1];
  return sorted.length > page.max && last !== undefined ? { items: kept, nextAfter: keyOf(last) } : { items: kept };
}
