/** A scrape never waits on a stuck Postgres/Redis longer than this (Prometheus times out at 10 s). */
export const SCRAPE_TIMEOUT_MS = 2000;

export type ScrapeErrorHandler = (what: string, err: unknown) => void;

export function withTimeout<T>(p: Promise<T>, what: string, ms = SCRAPE_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * A reading for metrics collected on scrape: the gauges of one scrape that call it at the same
 * time share one run of `read`, bounded by SCRAPE_TIMEOUT_MS. A failed run is reported to
 * `onError` and gives undefined, so the gauges keep their last values.
 */
export function scrapeOnce<T>(
  what: string,
  read: () => Promise<T>,
  onError: ScrapeErrorHandler,
): () => Promise<T | undefined> {
  let running: Promise<T | undefined> | null = null;
  return () => {
    running ??= withTimeout(read(), what)
      .catch((err: unknown) => {
        onError(what, err);
        return undefined;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
}
