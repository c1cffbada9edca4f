/** One page of a list screen (⬅️ n/m ➡️). */
export interface Page<T> {
  rows: T[];
  page: number;
  pages: number;
  total: number;
}

/** The asked page clamped into 0…pages-1 (a stale ➡️ lands on the last page); at least one page. */
export function clampPage(page: number, total: number, perPage: number): { page: number; pages: number } {
  const pages = Math.max(1, Math.ceil(total / perPage));
  return { page: Math.min(Math.max(0, page), pages - 1), pages };
}

/**
 * Counts the list, clamps the asked page, then reads that page's rows
 * (`rows(offset, limit)`: the list's own query with its order).
 */
export async function readPage<T>(
  count: Promise<{ total: string | number | bigint }>,
  page: number,
  perPage: number,
  rows: (offset: number, limit: number) => Promise<T[]>,
): Promise<Page<T>> {
  const total = Number((await count).total);
  const p = clampPage(page, total, perPage);
  return { rows: await rows(p.page * perPage, perPage), total, ...p };
}
