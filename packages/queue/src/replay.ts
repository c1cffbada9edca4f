import type { Db } from '@fs/db';
import type { BotKind, NotificationEvent } from '@fs/domain';
import { sql } from 'kysely';
import { jobIds } from './names';
import { enqueueOutbox } from './outbox';
import type { Queues } from './queues';

export interface ReplayFilter {
  /** Only these outbox ids (still only those that are `failed`). */
  ids?: readonly number[];
  /** Only rows that failed at or after this time (their `updated_at`). */
  since?: Date;
  /** Only this event, e.g. `new_offer`. */
  event?: NotificationEvent;
  /** At most this many rows, oldest first (default 1000). */
  limit?: number;
}

export interface FailedOutboxRow {
  id: number;
  bot: BotKind;
  event: NotificationEvent;
  attempts: number;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
}

const DEFAULT_LIMIT = 1000;
/** Keeps the failure that is being replayed readable next to the replay note. */
const NOTE_MAX = 2000;

/** The `failed` rows a replay with this filter would take (for a dry run). */
export async function listFailedOutbox(db: Db, filter: ReplayFilter = {}): Promise<FailedOutboxRow[]> {
  let q = db
    .selectFrom('notifications_outbox')
    .select(['id', 'bot', 'event', 'attempts', 'last_error', 'created_at', 'updated_at'])
    .where('status', '=', 'failed');
  if (filter.ids) q = q.where('id', 'in', filter.ids.length > 0 ? [...filter.ids] : [-1]);
  if (filter.since) q = q.where('updated_at', '>=', filter.since);
  if (filter.event) q = q.where('event', '=', filter.event);
  return q
    .orderBy('created_at')
    .orderBy('id')
    .limit(filter.limit ?? DEFAULT_LIMIT)
    .execute();
}

/**
 * Re-queues `failed` outbox rows: in one transaction they become `pending` again with
 * `attempts = 0` and `enqueued_at = NULL`, and `last_error` keeps the old failure behind a
 * `replayed <time>:` note (a successful send clears it, a new failure overwrites it). After the
 * commit their finished BullMQ jobs (`outbox-<id>`, retained as failed) are removed, so the job
 * id can be used again, and the rows are enqueued. Returns how many rows were replayed.
 *
 * Safe to run while the senders and relays run: rows are taken with FOR UPDATE SKIP LOCKED, a
 * repeated enqueue is a no-op (job id per row), and if Redis is unreachable after the commit the
 * rows are pending with enqueued_at NULL, so the outbox relay enqueues them later. The sender
 * re-checks each row as usual (recipient unreachable or offer no longer open → skipped).
 */
export async function replayFailedOutbox(db: Db, queues: Queues, filter: ReplayFilter = {}): Promise<number> {
  if (filter.ids && filter.ids.length === 0) return 0;
  const limit = filter.limit ?? DEFAULT_LIMIT;
  const rows = await db.transaction().execute(async (trx) => {
    let pick = trx.selectFrom('notifications_outbox').select('id').where('status', '=', 'failed');
    if (filter.ids) pick = pick.where('id', 'in', [...filter.ids]);
    if (filter.since) pick = pick.where('updated_at', '>=', filter.since);
    if (filter.event) pick = pick.where('event', '=', filter.event);
    const ids = (
      await pick.orderBy('created_at').orderBy('id').limit(limit).forUpdate().skipLocked().execute()
    ).map((r) => r.id);
    if (ids.length === 0) return [];
    return trx
      .updateTable('notifications_outbox')
      .set({
        status: 'pending',
        attempts: 0,
        enqueued_at: null,
        last_error: sql<string>`left('replayed ' || to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
          || ': ' || coalesce(last_error, ''), ${NOTE_MAX})`,
        updated_at: sql<Date>`now()`,
      })
      .where('id', 'in', ids)
      .where('status', '=', 'failed')
      .returning(['id', 'bot', 'channel', 'not_before'])
      .execute();
  });
  if (rows.length === 0) return 0;

  // The failed job keeps its id for days (removeOnFail); a new add with that id would be ignored.
  for (const r of rows) {
    const job = await queues.queueFor(r).getJob(jobIds.outbox(r.id));
    if (!job) continue;
    const state = await job.getState();
    // waiting/delayed/active: that job will deliver the row that is pending again; leave it.
    if (state === 'failed' || state === 'completed') await job.remove();
  }
  await enqueueOutbox(db, queues, rows);
  return rows.length;
}
