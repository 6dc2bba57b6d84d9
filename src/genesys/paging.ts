// Reads every page of a Genesys listing: the first page says how many there are, the rest go out together.

/** Runs at most `limit` tasks at once; the pacer sets the rate, this only caps what is in flight. */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}

export interface Page<T> {
  entities?: T[];
  results?: T[];
  pageCount?: number;
  total?: number;
  nextUri?: string;
}

/**
 * All entities of a listing. `fetch(pageNumber)` gets one page; after the first, the remaining
 * pages are fetched concurrently (through `run`) and concatenated in page order. Listings without
 * `pageCount` (queue members) are paged by `nextUri`, concurrently too when `expected` (a count
 * known from elsewhere, e.g. a queue's `memberCount`) says how many pages there should be.
 */
export async function allPages<T>(
  fetch: (pageNumber: number) => Promise<Page<T>>,
  run: <R>(task: () => Promise<R>) => Promise<R>,
  onPage?: (loaded: number, total: number) => void,
  expected?: { total: number; pageSize: number },
): Promise<T[]> {
  const itemsOf = (page: Page<T>): T[] => page.entities ?? page.results ?? [];
  const first = await run(() => fetch(1));
  const firstItems = itemsOf(first);
  const counted = first.pageCount !== undefined;
  const pageCount = first.pageCount ?? (expected ? Math.max(1, Math.ceil(expected.total / expected.pageSize)) : 1);
  const total = first.total ?? expected?.total ?? firstItems.length;
  let loaded = firstItems.length;
  onPage?.(loaded, total);
  const pages: Page<T>[] = [first];
  if (pageCount > 1) {
    const rest = await Promise.all(
      Array.from({ length: pageCount - 1 }, (_, i) =>
        run(async () => {
          const page = await fetch(i + 2);
          loaded += itemsOf(page).length;
          onPage?.(loaded, total);
          return page;
        }),
      ),
    );
    pages.push(...rest);
  }
  // Without a page count, trust nextUri: keep going while the last page says there is more.
  if (!counted) {
    let last = pages[pages.length - 1] as Page<T>;
    while (last.nextUri && itemsOf(last).length > 0) {
      const number = pages.length + 1;
      last = await run(() => fetch(number));
      pages.push(last);
    }
  }
  return pages.flatMap(itemsOf);
}
