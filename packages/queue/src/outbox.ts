import type { Database, Db, NewOutboxRow } from '@fs/db';
import type { BotKind, OutboxChannel } from '@fs/domain';
import { sql, type Transaction } from 'kysely';
import type { Queues } from './queues';

export type OutboxInsert = Omit<
  NewOutboxRow,
  'status' | 'attempts' | 'enqueued_at' | 'sent_at' | 'tg_message_id'
>;
export interface OutboxRef {
  id: number;
  bot: BotKind;
  /** Absent = telegram. */
  channel?: OutboxChannel;
  /** Not to be sent before (an SMS held by quiet hours): the job is delayed until then. */
  not_before?: Date | null;
}

/**
 * Writes outbox rows inside the caller's transaction (the change and its message commit
 * together). Rows with a dedup_key that already exists are skipped, so an event is recorded
 * once however often the code path runs.
 */
export async function insertOutbox(
  trx: Transaction<Database> | Db,
  rows: readonly OutboxInsert[],
): Promise<OutboxRef[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('notifications_outbox')
    .values(rows.map((r) => ({ ...r, payload: JSON.stringify(r.payload ?? {}) })))
    .onConflict((oc) => oc.column('dedup_key').where('dedup_key', 'is not', null).doNothing())
    .returning(['id', 'bot', 'channel', 'not_before'])
    .execute();
}

/**
 * After commit: stamp enqueued_at, then enqueue. Stamping first matters for latency: the stamp
 * locks the rows for a moment, and a sender that took the job before a later stamp committed
 * would find its row locked and look again only after a delay. If Redis is down the enqueue
 * throws: the stamp is taken back, so the relay delivers the rows after its short grace
 * window. Never lose the commit for it.
 */
export async function enqueueOutbox(db: Db, queues: Queues, refs: readonly OutboxRef[]): Promise<void> {
  if (refs.length === 0) return;
  const ids = refs.map((r) => r.id);
  const stamped = await db
    .updateTable('notifications_outbox')
    .set({ enqueued_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .where('enqueued_at', 'is', null)
    .returning('id')
    .execute();
  try {
    await queues.enqueueOutbox(refs);
  } catch (err) {
    if (stamped.length > 0) {
      await db
        .updateTable('notifications_outbox')
        .set({ enqueued_at: null })
        .where(
          'id',
          'in',
          stamped.map((r) => r.id),
        )
        .where('status', '=', 'pending')
        .execute()
        .catch(() => {});
    }
    throw err;
  }
}

export interface RelayOptions {
  /** Pending rows younger than this are left to the normal after-commit path. */
  graceMs?: number;
  /** Rows enqueued this long ago and still pending are enqueued again (lost job). */
  staleMs?: number;
  batch?: number;
}

/**
 * Re-enqueues outbox rows that are pending and not (or no longer) in Redis: the enqueue after
 * commit was lost (Redis down, process died), or a job vanished. Safe to run on every replica:
 * jobIds derived from the outbox id deduplicate, and the sender skips rows already sent.
 */
export async function relayOutbox(db: Db, queues: Queues, opts: RelayOptions = {}): Promise<number> {
  const grace = opts.graceMs ?? 2000;
  const stale = opts.staleMs ?? 15_000;
  const rows = await db
    .selectFrom('notifications_outbox')
    .select(['id', 'bot', 'channel', 'not_before'])
    .where('status', '=', 'pending')
    .where('created_at', '<', sql<Date>`now() - make_interval(secs => ${grace / 1000})`)
    // A row held back until later (quiet hours) has its delayed job; it is not lost.
    .where((eb) => eb.or([eb('not_before', 'is', null), eb('not_before', '<=', sql<Date>`now()`)]))
    .where((eb) =>
      eb.or([
        eb('enqueued_at', 'is', null),
        eb('enqueued_at', '<', sql<Date>`now() - make_interval(secs => ${stale / 1000})`),
      ]),
    )
    .orderBy('created_at')
    .limit(opts.batch ?? 500)
    .execute();
  if (rows.length === 0) return 0;
  // A stale row's old job id may still be retained as completed/failed; remove it so re-adding works.
  for (const r of rows) {
    const q = queues.queueFor(r);
    const job = await q.getJob(`outbox-${r.id}`);
    if (job && ((await job.isCompleted()) || (await job.isFailed()))) await job.remove().catch(() => {});
  }
  // Stamped before the enqueue, as in enqueueOutbox (a sender must not find the row locked by
  // the stamp); taken back if Redis refuses.
  const ids = rows.map((r) => r.id);
  await db
    .updateTable('notifications_outbox')
    .set({ enqueued_at: sql<Date>`now()` })
    .where('id', 'in', ids)
    .execute();
  try {
    await queues.enqueueOutbox(rows);
  } catch (err) {
    await db
      .updateTable('notifications_outbox')
      .set({ enqueued_at: null })
      .where('id', 'in', ids)
      .where('status', '=', 'pending')
      .execute()
      .catch(() => {});
    throw err;
  }
  return rows.length;
}

/**
 * The outbox backlog, for the gauges of the sender and of the scheduler (which keeps reporting
 * it while every sender is down): rows not delivered yet (waiting, or `sending` under a lease),
 * and how long the oldest of them has been due. A row held until later (`not_before`: quiet
 * hours, a retry's backoff) counts from that time, not from its creation, so a night's held
 * SMS does not look like a stuck sender.
 */
export async function outboxBacklog(db: Db): Promise<{ count: number; oldestAgeS: number }> {
  const row = await db
    .selectFrom('notifications_outbox')
    .select([
      sql<string>`count(*)`.as('count'),
      sql<
        number | null
      >`extract(epoch from now() - min(greatest(created_at, not_before)) filter (where not_before is null or not_before <= now()))::float8`.as(
        'oldest',
      ),
    ])
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb('lease_owner', 'is not', null)]))
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), oldestAgeS: Math.max(0, Number(row.oldest ?? 0)) };
}
