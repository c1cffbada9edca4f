import { type Db, poolOf } from '@fs/db';
import type { Settings } from '@fs/domain';
import type { OutboxRef } from '@fs/queue';
import { type RawBuilder, sql } from 'kysely';
import { type ExpiryToSchedule, runAfterCommit } from '../shared/after-commit';
import type { DispatchDeps } from '../shared/deps';
import { type PgQueryable, queryPrepared } from '../shared/prepared';
import { type BatchOrderRow, batchCandidatesSql, batchEligibleSql, distanceTerms } from './candidates';
import { type DistributeResult, quiet } from './distribute-result';
import { OPEN_OFFER_COUNTS, PRIORITY } from './due-work';
import { type InsertedOfferRow, insertOfferPairsSql } from './offer-insert';

/**
 * Batch rounds (issue 12): the waiting orders of a city in one transaction on one connection,
 * every statement a named prepared statement:
 *
 * 1. take the city (one round per city at a time, a try-lock: see runBatchRound);
 * 2. lock up to `batch` waiting orders of the city (SKIP LOCKED), then, in a later statement
 *    (whose snapshot sees what the previous holders of those rows committed), re-check them and
 *    rank the city's masters once for all of them (candidates.ts, batchCandidatesSql: the same
 *    rules as the single-order query);
 * 3. hand out distinct masters in rank order, order by order (priority order), respecting each
 *    master's free slots under their limit; a guarantee order's preferred master alone;
 * 4. lock the picked masters (FOR NO KEY UPDATE SKIP LOCKED); a master another transaction holds is
 *    passed over and the orders that wanted them pick again (up to 3 times);
 * 5. insert every offer, its outbox row and the orders' bookkeeping in one statement that
 *    re-checks the masters' load and that each order still holds no open offer;
 * 6. stamp the orders found all busy (orders.dist_busy_at), clear it on the undecided ones.
 *
 * Round trips per batch: BEGIN, city and order locks, rank, master locks, insert, COMMIT (a
 * stamp when some order stays waiting; more master locks when masters were held by others).
 * Orders nobody qualifies for go through the per-order path after commit (it escalates once per
 * episode); orders whose masters are all busy stay waiting (a master freeing up wakes the city:
 * due-work.ts wakeCityOrders); orders that lost their masters to concurrent runs are retried.
 */

export interface BatchRoundOptions {
  /** Orders per batch. */
  batch: number;
  /** When the trigger's wake-up was requested (see coveredSql). */
  requestedAt: Date | null;
}

type Outcome = DistributeResult['outcome'] | 'needs_single';

interface Decided {
  row: BatchOrderRow;
  picks: number[];
  outcome: Outcome;
}

const LOCK_ATTEMPTS = 3;

/**
 * Hands out masters: each order in turn takes its best candidates that still have a free slot
 * and are not known to be held elsewhere (pure; exported for tests).
 */
export function handOut(
  rows: readonly BatchOrderRow[],
  offersPerRound: number,
  slots: Map<number, number>,
  unavailable: ReadonlySet<number>,
  skip: ReadonlySet<number> = new Set(),
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const r of rows) {
    if (skip.has(r.id)) continue;
    const picks: number[] = [];
    for (const [masterId, free, preferred] of r.candidates ?? []) {
      if (unavailable.has(masterId)) continue;
      const left = slots.get(masterId) ?? free;
      if (left <= 0) continue;
      picks.push(masterId);
      slots.set(masterId, left - 1);
      // A guarantee order goes to its preferred master first, alone.
      if ((picks.length === 1 && preferred) || picks.length >= offersPerRound) break;
    }
    out.set(r.id, picks);
  }
  return out;
}

/**
 * One batch round of the trigger's city: the results of the orders it decided, the trigger's
 * among them unless another transaction held it or it stopped waiting meanwhile (the caller
 * looks at it again). Null when another round of the city is running.
 */
export async function runBatchRound(
  deps: DispatchDeps,
  triggerOrderId: number,
  settings: Settings,
  opts: BatchRoundOptions,
  single: (orderId: number) => Promise<DistributeResult>,
): Promise<DistributeResult[] | null> {
  const { db } = deps;
  const client = await poolOf(db).connect();
  let verdicts: Verdicts;
  try {
    await client.query('BEGIN');
    const taken = await queryPrepared(
      client,
      db,
      lockBatchSql(triggerOrderId, opts.batch, settings.distribution_rounds, opts.requestedAt),
    );
    const picked = taken.filter((p): p is LockedOrderRow => p.id !== null);
    if (picked.length === 0) {
      await client.query('COMMIT');
      return taken[0]?.ok === false ? null : [];
    }
    const round: Round = { client, db, settings, opr: settings.distribution_offers_per_round };
    const rows = await rankBatch(round, picked);
    const { final, unavailable } = await handOutAndLock(round, rows);
    const toInsert = rows.filter((r) => (final.get(r.id)?.length ?? 0) > 0);
    const inserted = await insertBatchOffers(round, toInsert, final);
    // Any master held elsewhere or refused by the re-check: the hand-out's picture was stale, so
    // no order of this round is told "all busy" (that verdict ends its wake-up); they retry.
    const stale =
      unavailable.size > 0 ||
      toInsert.some((r) => !inserted.some((i) => i.order_id === r.id)) ||
      inserted.length < toInsert.reduce((n, r) => n + final.get(r.id)!.length, 0);
    verdicts = decideOrders(rows, final, inserted, stale);
    await stampVerdicts(round, verdicts.decided, picked[0]!.at);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
  return afterBatchCommit(deps, verdicts, single);
}

/** One round's transaction: its connection and settings. */
interface Round {
  client: PgQueryable;
  db: Db;
  settings: Settings;
  /** Offers per order and round. */
  opr: number;
}

/** Ranks the city's masters once for all the locked orders (a statement of its own, see the module comment). */
async function rankBatch(round: Round, picked: LockedOrderRow[]): Promise<BatchOrderRow[]> {
  const { client, db, settings, opr } = round;
  // A statement of its own after the locks: its snapshot sees whatever earlier holders committed.
  return queryPrepared(
    client,
    db,
    batchCandidatesSql({
      cityId: picked[0]!.city_id,
      orderIds: picked.map((p) => p.id),
      offersPerRound: opr,
      maxActiveOrders: settings.max_active_orders,
      rounds: settings.distribution_rounds,
      distance: await distanceTerms(db, { limit: 0, distance: settings }),
    }),
  );
}

/**
 * Hands out, locks the picked masters, hands out again to the orders whose masters were held
 * elsewhere: each order's locked masters (`final`) and the masters other transactions held.
 */
async function handOutAndLock(
  round: Round,
  rows: BatchOrderRow[],
): Promise<{ final: Map<number, number[]>; unavailable: Set<number> }> {
  const slots = new Map<number, number>();
  const unavailable = new Set<number>();
  const locked = new Set<number>();
  const final = new Map<number, number[]>();
  let pending = rows.filter((r) => (r.candidates?.length ?? 0) > 0);
  for (let attempt = 0; attempt < LOCK_ATTEMPTS && pending.length > 0; attempt++) {
    const picks = handOut(pending, round.opr, slots, unavailable, new Set(final.keys()));
    const wanted = [...new Set([...picks.values()].flat())].filter((m) => !locked.has(m));
    if (wanted.length > 0) {
      for (const id of await lockMasters(round, wanted)) locked.add(id);
      for (const m of wanted) if (!locked.has(m)) unavailable.add(m);
    }
    const retry: BatchOrderRow[] = [];
    for (const r of pending) {
      const mine = picks.get(r.id) ?? [];
      const ok = mine.filter((m) => locked.has(m));
      // Give back the slots of masters that could not be locked.
      for (const m of mine) if (!locked.has(m)) slots.set(m, (slots.get(m) ?? 0) + 1);
      if (ok.length > 0 || mine.length === 0) final.set(r.id, ok);
      else retry.push(r);
    }
    pending = retry;
  }
  return { final, unavailable };
}

/** Locks the masters no other transaction holds (SKIP LOCKED); their ids. */
async function lockMasters(round: Round, masterIds: number[]): Promise<number[]> {
  const got = await queryPrepared<{ id: number }>(
    round.client,
    round.db,
    sql<{
      id: number;
    }>`SELECT m.id FROM masters m WHERE m.id = ANY (${masterIds}::int[]) ORDER BY m.id FOR NO KEY UPDATE SKIP LOCKED`,
  );
  return got.map((g) => g.id);
}

/** Every order's offers to its locked masters, in one statement (offer-insert.ts). */
async function insertBatchOffers(
  round: Round,
  toInsert: BatchOrderRow[],
  final: Map<number, number[]>,
): Promise<InsertedOfferRow[]> {
  if (toInsert.length === 0) return [];
  const { settings, opr } = round;
  return queryPrepared(
    round.client,
    round.db,
    insertOfferPairsSql({
      orders: toInsert.map((r) => ({
        order: r,
        masterIds: final.get(r.id)!,
        round: r.dist_rounds_used + 1,
      })),
      slaSeconds: settings.distribution_sla_seconds,
      limit: opr,
      maxActiveOrders: settings.max_active_orders,
      exclusive: true,
    }),
  );
}

/** What the round decided: a result per order, and the work after commit. */
interface Verdicts {
  results: Map<number, DistributeResult>;
  /** The orders that got no offer, with why. */
  decided: Decided[];
  refs: OutboxRef[];
  expiries: ExpiryToSchedule[];
}

/** Each order's outcome from its inserted offers, or why it got none (pure). */
function decideOrders(
  rows: BatchOrderRow[],
  final: Map<number, number[]>,
  inserted: InsertedOfferRow[],
  stale: boolean,
): Verdicts {
  const v: Verdicts = { results: new Map(), decided: [], refs: [], expiries: [] };
  for (const r of rows) {
    const mine = inserted.filter((i) => i.order_id === r.id);
    const res: DistributeResult = { ...quiet(r.id), outcome: 'locked' };
    v.results.set(r.id, res);
    if (mine.length > 0) {
      res.outcome = 'offered';
      res.offers = mine.map((i) => ({ offerId: i.offer_id, masterId: i.master_id }));
      res.round = r.dist_rounds_used + 1;
      res.expiresAt = mine[0]!.expires_at;
      if (r.first_offer_at === null) res.secondsToFirstOffer = r.age_seconds;
      v.refs.push(...mine.map((i) => ({ id: i.outbox_id, bot: 'master' as const })));
      v.expiries.push({ orderId: r.id, round: res.round, expiresAt: res.expiresAt });
      continue;
    }
    const candidates = r.candidates ?? [];
    let outcome: Outcome;
    if (candidates.length === 0) outcome = r.busy > 0 ? 'masters_busy' : 'needs_single';
    else if (candidates.length >= r.k || stale || (final.get(r.id)?.length ?? 0) > 0)
      // More candidates may exist beyond the list, some were held by others, or the re-check
      // refused them: rank again shortly.
      outcome = 'contended';
    else outcome = 'masters_busy'; // every free candidate went to an earlier order of this batch
    v.decided.push({ row: r, picks: final.get(r.id) ?? [], outcome });
    res.outcome = outcome === 'needs_single' ? 'locked' : outcome;
  }
  return v;
}

/** Stamps the orders found all busy, clears the verdict of the undecided ones (stampBusySql). */
async function stampVerdicts(round: Round, decided: Decided[], at: Date): Promise<void> {
  const busy = decided.filter((d) => d.outcome === 'masters_busy').map((d) => d.row.id);
  const undecided = decided.filter((d) => d.outcome !== 'masters_busy').map((d) => d.row.id);
  if (busy.length > 0 || undecided.length > 0)
    await queryPrepared(round.client, round.db, stampBusySql(busy, undecided, at));
}

/** Pushes and expiry jobs; the orders nobody qualifies for go through the per-order path. */
async function afterBatchCommit(
  deps: DispatchDeps,
  { results, decided, refs, expiries }: Verdicts,
  single: (orderId: number) => Promise<DistributeResult>,
): Promise<DistributeResult[]> {
  await runAfterCommit(deps, { outbox: refs });
  if (expiries.length > 0)
    await deps.queues
      .scheduleOfferExpiries(expiries)
      .catch((err) =>
        deps.logger.warn({ err: String(err) }, 'expiry scheduling failed; the tick will expire them'),
      );
  // Nobody qualifies: the per-order path escalates (once per episode).
  for (const d of decided) if (d.outcome === 'needs_single') results.set(d.row.id, await single(d.row.id));

  return [...results.values()];
}

interface LockedOrderRow {
  ok: boolean;
  id: number;
  city_id: number;
  at: Date;
}

/**
 * Takes the trigger's city and locks up to `batch` of its waiting orders (SKIP LOCKED): the
 * trigger first, then by priority, but not the orders whose "all busy" verdict is newer than the
 * trigger's wake-up.
 *
 * One round per city at a time (a transaction-scoped try-lock): concurrent rounds of a city
 * would rank the same masters first and fight over them. While one runs (`ok` false) the trigger
 * is retried shortly by the caller, not waited for: a waiting job would hold a worker that other
 * cities' orders need. No order (`id` null) when the round that held the city meanwhile left
 * nothing to do for the trigger. Ranking is the next statement (batchCandidatesSql), whose
 * snapshot sees what the previous holders of the city and of these rows committed; `at` (this
 * statement's start, before that snapshot) is what the round's verdicts are stamped with.
 */
function lockBatchSql(triggerOrderId: number, batch: number, rounds: number, requestedAt: Date | null) {
  return sql<Omit<LockedOrderRow, 'id' | 'city_id'> & { id: number | null; city_id: number | null }>`
    WITH city AS MATERIALIZED (
      SELECT t.city_id, pg_try_advisory_xact_lock(hashtext('fs-batch-round'), t.city_id) AS ok,
        ${batchEligibleSql('t', rounds)} AND NOT ${coveredSql('t', requestedAt)} AS wanted
      FROM orders t WHERE t.id = ${triggerOrderId}::int
    )
    SELECT c.ok, o.id, o.city_id, statement_timestamp() AS at
    FROM city c
    LEFT JOIN LATERAL (
      SELECT o.id, o.city_id FROM orders o
      WHERE c.ok AND c.wanted AND o.city_id = c.city_id
        -- Orders a round found all busy after the trigger's wake-up was requested wait for news.
        AND ${batchEligibleSql('o', rounds)} AND NOT ${coveredSql('o', requestedAt)}
      ORDER BY (o.id = ${triggerOrderId}::int) DESC, ${PRIORITY}, o.created_at, o.id
      LIMIT ${batch}::int
      FOR UPDATE OF o SKIP LOCKED
    ) o ON true`;
}

/**
 * The verdicts wake-ups read (probeOrder): `busy` orders found every qualifying master busy as of
 * this transaction; `undecided` ones (contended, or left to the per-order path) lose any older
 * verdict, so their retry is never skipped.
 */
function stampBusySql(busy: number[], undecided: number[], at: Date) {
  return sql`
    UPDATE orders SET dist_busy_at = CASE WHEN id = ANY (${busy}::int[]) THEN ${at}::timestamptz END
    WHERE id = ANY (${busy}::int[]) OR (id = ANY (${undecided}::int[]) AND dist_busy_at IS NOT NULL)`;
}

/**
 * A wake-up requested at `requestedAt` for order `o` has nothing new to show: a batch round found
 * every qualifying master busy after it was requested, and no master of the city became
 * available since (due-work.ts wakeCityOrders).
 */
function coveredSql(o: string, requestedAt: Date | null): RawBuilder<boolean> {
  const busyAt = sql.ref(`${o}.dist_busy_at`);
  return sql<boolean>`coalesce(${busyAt} > ${requestedAt}::timestamptz
    AND ${busyAt} > coalesce((SELECT c.dist_freed_at FROM cities c WHERE c.id = ${sql.ref(`${o}.city_id`)}),
      '-infinity'), false)`;
}

/** What a wake-up finds before any transaction (one prepared statement, no BEGIN). */
export interface OrderProbe {
  status: string;
  eligible: boolean;
  open_offers: number;
  due_offers: number;
  unassigned: boolean;
  /**
   * A batch round found every qualifying master busy after this wake-up was requested, and no
   * master of the city became available since (due-work.ts wakeCityOrders).
   */
  covered: boolean;
}

export async function probeOrder(
  deps: Pick<DispatchDeps, 'db'>,
  orderId: number,
  rounds: number,
  requestedAt: Date | null,
): Promise<OrderProbe | null> {
  const rows = await queryPrepared(
    poolOf(deps.db),
    deps.db,
    sql<OrderProbe>`
      SELECT o.status::text AS status, ${batchEligibleSql('o', rounds)} AS eligible,
        o.assigned_master_id IS NULL AS unassigned,
        ${OPEN_OFFER_COUNTS},
        ${coveredSql('o', requestedAt)} AS covered
      FROM orders o WHERE o.id = ${orderId}::int`,
  );
  return rows[0] ?? null;
}
