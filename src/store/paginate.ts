import type { SelectQueryBuilder } from 'kysely';
import type { Page } from '../core/model.js';
import type { PageRequest } from '../core/range.js';

/**
 * Applies a Range page to a query over `column` and fetches one row more than asked, to know
 * whether another page follows. Ascending pages start at `start` going up; descending pages
 * start at `start` going down. `end` bounds the other side inclusively.
 */
export async function paginate<DB, TB extends keyof DB, Row extends Record<string, unknown>, Item>(
  query: SelectQueryBuilder<DB, TB, Row>,
  column: string,
  page: PageRequest,
  toItem: (row: Row) => Item,
  cursorOf: (item: Item) => string,
  /** Turns a Range bound into the column's type (e.g. Number for `version`); bounds must be valid. */
  toValue: (bound: string) => unknown = (bound) => bound,
): Promise<Page<Item>> {
  // The column name is chosen by the caller from a fixed list, never from user input.
  const ref = column as never;
  const up = page.order === 'asc';
  let q = query;
  if (page.start !== undefined) q = q.where(ref, up ? (page.startExclusive ? '>' : '>=') : (page.startExclusive ? '<' : '<='), toValue(page.start) as never);
  if (page.end !== undefined) q = q.where(ref, up ? '<=' : '>=', toValue(page.end) as never);
  const rows = await q.orderBy(ref, page.order).limit(page.max + 1).execute();
  const items = rows.slice(0, page.max).map(toItem);
  const last = items[items.length - 1];
  return rows.length > page.max && last !== undefined ? { items, nextAfter: cursorOf(last) } : { items };
}
