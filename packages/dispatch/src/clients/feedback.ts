import { bayesianRating, isValidStars, LOW_RATING_MAX_STARS, type ReviewAlertPayload } from '@fs/domain';
import { insertOutbox, type OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import { runAfterCommit } from '../shared/after-commit';
import type { DispatchDeps, Executor } from '../shared/deps';
import { alertsChannelId, staffOutboxRows, staffRecipients } from '../shared/staff-recipients';

/**
 * The client's feedback after the master closed the order: ⭐ 1–5 and whether the amount the
 * master entered was right. One review per order; each answer is taken once (a second tap
 * changes nothing). Stars write the master's rating (the Bayesian average of all their
 * reviews, domain `bayesianRating`), which ranking uses. Three stars or less, or "the amount
 * was different", alert the city's staff once each, with the order's button.
 */

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger' | 'settings'>;

export type FeedbackRefusal =
  /** The chat is not the order's client chat (or there is no such order). */
  | 'not_yours'
  /** The order is not done yet (feedback opens when the master closes it). */
  | 'not_done'
  | 'invalid';

export type RateOrderResult =
  | { kind: 'ok'; stars: number; rating: number; alerted: boolean }
  | { kind: 'already'; stars: number }
  | { kind: FeedbackRefusal };

export type AmountAnswerResult =
  | { kind: 'ok'; confirmed: boolean; alerted: boolean }
  | { kind: 'already'; confirmed: boolean }
  | { kind: 'no_amount' }
  | { kind: FeedbackRefusal };

const DONE = ['payment', 'closed'] as const;

interface ReviewTarget {
  order_id: number;
  status: string;
  master_id: number;
  master_name: string;
  city_id: number;
  city: string;
  amount_kopecks: number | null;
}

/** The order behind the client's chat, locked (its link row) so answers to it are serialised. */
async function lockTarget(
  trx: Executor,
  chatId: number,
  orderId: number,
): Promise<{ kind: FeedbackRefusal } | { kind: 'ok'; target: ReviewTarget }> {
  const { rows } = await sql<ReviewTarget & { chat_id: number | null }>`
    SELECT l.chat_id, o.id AS order_id, o.status, o.assigned_master_id AS master_id, m.full_name AS master_name,
      o.city_id, c.name AS city,
      CASE WHEN o.type = 'guarantee' THEN NULL ELSE o.total_amount_kopecks END AS amount_kopecks
    FROM order_client_links l
    JOIN orders o ON o.id = l.order_id
    JOIN cities c ON c.id = o.city_id
    LEFT JOIN masters m ON m.id = o.assigned_master_id
    WHERE l.order_id = ${orderId}::int
    FOR UPDATE OF l
  `.execute(trx);
  const row = rows[0];
  if (!row || row.chat_id !== chatId) return { kind: 'not_yours' };
  if (!(DONE as readonly string[]).includes(row.status) || row.master_id === null)
    return { kind: 'not_done' };
  return { kind: 'ok', target: row };
}

/** Recomputes the master's rating from all their reviews (master row locked: reviews of one master serialise). */
export async function recomputeMasterRating(trx: Executor, masterId: number): Promise<number> {
  await trx.selectFrom('masters').select('id').where('id', '=', masterId).forNoKeyUpdate().execute();
  const agg = await trx
    .selectFrom('reviews')
    .select([sql<number>`count(stars)::int`.as('n'), sql<number>`coalesce(sum(stars), 0)::int`.as('sum')])
    .where('master_id', '=', masterId)
    .executeTakeFirstOrThrow();
  const rating = bayesianRating(agg.sum, agg.n);
  await trx
    .updateTable('masters')
    .set({ rating, reviews_count: agg.n, updated_at: sql<Date>`now()` })
    .where('id', '=', masterId)
    .execute();
  return rating;
}

async function alertRows(
  trx: Executor,
  alertsChannel: string,
  t: ReviewTarget,
  review: { stars: number | null; amount_confirmed: boolean | null },
  reason: ReviewAlertPayload['reason'],
): Promise<OutboxInsert[]> {
  const payload: ReviewAlertPayload = {
    reason,
    order_id: t.order_id,
    master_id: t.master_id,
    master_name: t.master_name ?? '',
    city: t.city,
    stars: review.stars,
    amount_kopecks: t.amount_kopecks,
    amount_confirmed: review.amount_confirmed,
  };
  return staffOutboxRows({
    event: 'review_alert',
    staffIds: await staffRecipients(trx, t.city_id, 'city_staff'),
    channelId: alertsChannelId(alertsChannel),
    orderId: t.order_id,
    payload,
    dedupPrefix: `review-${reason}:${t.order_id}`,
  });
}

async function commit<R extends { kind: string }>(
  deps: Deps,
  what: string,
  input: { chatId: number; orderId: number },
  work: (trx: Executor, alertsChannel: string) => Promise<{ result: R; outbox: OutboxInsert[] }>,
): Promise<R> {
  const settings = await deps.settings.get();
  const done = await deps.db.transaction().execute(async (trx) => {
    const { result, outbox } = await work(trx, settings.alerts_channel_id);
    return { result, refs: await insertOutbox(trx, outbox) };
  });
  deps.logger.info({ order_id: input.orderId, chat_id: input.chatId, outcome: done.result.kind }, what);
  await runAfterCommit(deps, { outbox: done.refs });
  return done.result;
}

/** One answer of the client: the stars, or whether the amount was right. */
type Answer = { field: 'stars'; value: number } | { field: 'amount_confirmed'; value: boolean };

/**
 * Stores the answer on the order's review row unless that answer was already given (the first
 * answer wins): the row as it now is, or `already` with the stored answer.
 */
async function answerOnce(trx: Executor, chatId: number, t: ReviewTarget, answer: Answer) {
  const value = <F extends Answer['field']>(f: F) =>
    (answer.field === f ? answer.value : undefined) as Extract<Answer, { field: F }>['value'] | undefined;
  const review = await trx
    .insertInto('reviews')
    .values({
      order_id: t.order_id,
      master_id: t.master_id,
      city_id: t.city_id,
      chat_id: chatId,
      stars: value('stars'),
      amount_kopecks: t.amount_kopecks,
      amount_confirmed: value('amount_confirmed'),
    })
    .onConflict((oc) =>
      oc
        .column('order_id')
        .doUpdateSet({ [answer.field]: answer.value, updated_at: sql<Date>`now()` })
        .where(`reviews.${answer.field}`, 'is', null),
    )
    .returning(['stars', 'amount_confirmed', 'master_id', 'low_rating_alerted_at', 'amount_alerted_at'])
    .executeTakeFirst();
  if (review) return { review };
  const already = await trx
    .selectFrom('reviews')
    .select(['stars', 'amount_confirmed'])
    .where('order_id', '=', t.order_id)
    .executeTakeFirstOrThrow();
  return { already };
}

/** Marks the review's alert as sent (`column`) and returns the staff alert rows. */
async function alertOnce(
  trx: Executor,
  alertsChannel: string,
  t: ReviewTarget,
  review: { stars: number | null; amount_confirmed: boolean | null },
  column: 'low_rating_alerted_at' | 'amount_alerted_at',
  reason: ReviewAlertPayload['reason'],
): Promise<OutboxInsert[]> {
  await trx
    .updateTable('reviews')
    .set({ [column]: sql<Date>`now()` })
    .where('order_id', '=', t.order_id)
    .execute();
  return alertRows(trx, alertsChannel, t, review, reason);
}

/** ⭐ 1–5 from the client's chat. */
export function rateOrder(
  deps: Deps,
  input: { chatId: number; orderId: number; stars: number },
): Promise<RateOrderResult> {
  if (!isValidStars(input.stars)) return Promise.resolve({ kind: 'invalid' });
  return commit<RateOrderResult>(deps, 'client rated order', input, async (trx, alertsChannel) => {
    const locked = await lockTarget(trx, input.chatId, input.orderId);
    if (locked.kind !== 'ok') return { result: locked, outbox: [] };
    const t = locked.target;
    const { review, already } = await answerOnce(trx, input.chatId, t, {
      field: 'stars',
      value: input.stars,
    });
    if (!review)
      return { result: { kind: 'already' as const, stars: already.stars ?? input.stars }, outbox: [] };
    const rating = await recomputeMasterRating(trx, review.master_id);
    const outbox =
      input.stars <= LOW_RATING_MAX_STARS && review.low_rating_alerted_at === null
        ? await alertOnce(trx, alertsChannel, t, review, 'low_rating_alerted_at', 'low_rating')
        : [];
    return {
      result: { kind: 'ok' as const, stars: input.stars, rating, alerted: outbox.length > 0 },
      outbox,
    };
  });
}

/** "Сумма к оплате была N ₽?" — Да / Нет, другая. */
export function answerAmountCheck(
  deps: Deps,
  input: { chatId: number; orderId: number; confirmed: boolean },
): Promise<AmountAnswerResult> {
  return commit<AmountAnswerResult>(
    deps,
    'client answered amount check',
    input,
    async (trx, alertsChannel) => {
      const locked = await lockTarget(trx, input.chatId, input.orderId);
      if (locked.kind !== 'ok') return { result: locked, outbox: [] };
      const t = locked.target;
      if (t.amount_kopecks === null) return { result: { kind: 'no_amount' as const }, outbox: [] };
      const answer = { field: 'amount_confirmed', value: input.confirmed } as const;
      const { review, already } = await answerOnce(trx, input.chatId, t, answer);
      if (!review) {
        return {
          result: { kind: 'already' as const, confirmed: already.amount_confirmed ?? input.confirmed },
          outbox: [],
        };
      }
      const outbox =
        !input.confirmed && review.amount_alerted_at === null
          ? await alertOnce(trx, alertsChannel, t, review, 'amount_alerted_at', 'amount_disputed')
          : [];
      return {
        result: { kind: 'ok' as const, confirmed: input.confirmed, alerted: outbox.length > 0 },
        outbox,
      };
    },
  );
}
