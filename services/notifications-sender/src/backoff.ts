/**
 * Exponential backoff with jitter for transient Telegram/network errors: attempt n waits a
 * random time in [d/2, d] with d = base · 2^(n-1), capped. The jitter spreads the retries of
 * a burst that failed together (e.g. one Telegram 5xx episode) instead of retrying in lockstep.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  capMs = 10 * 60_000,
  random = Math.random,
): number {
  const n = Math.max(1, Math.floor(attempt));
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/**
 * BullMQ custom backoff strategy (`backoff: { type: 'outbox' }` on notify jobs) for a job that
 * threw (database or Redis down, a bug). Telegram failures never throw: the engine schedules
 * the row's retry in the database with backoffDelayMs and the row's attempt count.
 */
export function outboxBackoffStrategy(baseMs: number) {
  return (attemptsMade: number): number => backoffDelayMs(attemptsMade, baseMs);
}
