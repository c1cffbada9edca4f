import { createHash } from 'node:crypto';
import { DISTRIBUTABLE_STATUSES, type UnassignedOrdersPayload } from '@fs/domain';
import { insertOutbox, type OutboxInsert } from '@fs/queue';
import { type RawBuilder, sql } from 'kysely';
import { runAfterCommit } from '../shared/after-commit';
import type { DispatchDeps, Executor } from '../shared/deps';
import { alertsChannelId, staffRecipients } from '../shared/staff-recipients';
import { recordSystemEvent } from '../shared/system-events';

/**
 * The unassigned-orders digest: per city, the orders waiting for a master (searching or
 * guarantee, none assigned) longer than `unassigned_digest_minutes` since they entered that
 * status. A city's staff (and the alerts channel) get one `unassigned_orders` message listing
 * them when at least one of those orders has not been reported in its current waiting episode;
 * the same orders are not reported again, a new order joining the list reports the list again.
 *
 * Each order carries `unassigned_digest_at` (when it was last reported). A city is processed
 * under a transaction-scoped advisory lock, so concurrent runs (two scheduler replicas, a
 * retried job) report each episode once; the outbox dedup key (the city and the hash of its
 * orders' episodes) is a second guard.
 */

export interface UnassignedDigestResult {
  /** Cities whose staff were sent a digest in this run. */
  cities: number;
  /** Orders listed in those digests. */
  orders: number;
  outbox: number;
}

/** When the order started waiting in its current status (its last history row into it). */
const WAITING_SINCE: RawBuilder<Date> = sql<Date>`coalesce(
  (select max(h.created_at) from order_status_history h where h.order_id = o.id and h.to_status = o.status),
  o.created_at)`;

const LOCK_NAMESPACE = 'fs:unassigned-digest';

function waitingOrders(db: Executor, minutes: number) {
  return db
    .selectFrom('orders as o')
    .where('o.status', 'in', [...DISTRIBUTABLE_STATUSES])
    .where('o.assigned_master_id', 'is', null)
    .where(WAITING_SINCE, '<=', sql<Date>`now() - make_interval(mins => ${minutes}::int)`);
}

/** Orders not yet reported in their current waiting episode. */
const UNREPORTED = sql<boolean>`(o.unassigned_digest_at is null or o.unassigned_digest_at < ${WAITING_SINCE})`;

export async function runUnassignedDigest(deps: DispatchDeps): Promise<UnassignedDigestResult> {
  const settings = await deps.settings.get();
  const minutes = settings.unassigned_digest_minutes;
  const channelId = alertsChannelId(settings.alerts_channel_id);
  const cities = await waitingOrders(deps.db, minutes)
    .select('o.city_id')
    .distinct()
    .where(UNREPORTED)
    .orderBy('o.city_id')
    .execute();

  const result: UnassignedDigestResult = { cities: 0, orders: 0, outbox: 0 };
  for (const { city_id: cityId } of cities) {
    const sent = await deps.db.transaction().execute(async (trx) => {
      const locked = await sql<{
        ok: boolean;
      }>`select pg_try_advisory_xact_lock(hashtext(${LOCK_NAMESPACE}), ${cityId}::int) as ok`.execute(trx);
      if (!locked.rows[0]?.ok) return null; // another run is reporting this city right now
      const orders = await waitingOrders(trx, minutes)
        .select(['o.id', WAITING_SINCE.as('waiting_since'), UNREPORTED.as('unreported')])
        .where('o.city_id', '=', cityId)
        .orderBy('o.id')
        .execute();
      if (!orders.some((o) => o.unreported)) return null;

      const city = await trx.selectFrom('cities').select('name').where('id', '=', cityId).executeTakeFirst();
      const ids = orders.map((o) => o.id);
      const episodes = createHash('sha1')
        .update(orders.map((o) => `${o.id}@${new Date(o.waiting_since).getTime()}`).join(','))
        .digest('hex')
        .slice(0, 20);
      const payload: UnassignedOrdersPayload = { city: city?.name ?? null, minutes, order_ids: ids };
      const prefix = `unassigned_orders:${cityId}:${episodes}`;
      const staffIds = await staffRecipients(trx, cityId, 'city_staff');
      const rows: OutboxInsert[] = staffIds.map((id) => ({
        bot: 'admin',
        event: 'unassigned_orders',
        staff_user_id: id,
        payload: { ...payload },
        dedup_key: `${prefix}:s${id}`,
      }));
      if (channelId !== null)
        rows.push({
          bot: 'admin',
          event: 'unassigned_orders',
          chat_id: channelId,
          payload: { ...payload },
          dedup_key: `${prefix}:c${channelId}`,
        });
      const inserted = await insertOutbox(trx, rows);
      await trx
        .updateTable('orders')
        .set({ unassigned_digest_at: sql<Date>`now()` })
        .where('id', 'in', ids)
        .execute();
      await recordSystemEvent(trx, {
        source: 'digest',
        level: 'warn',
        message: `unassigned orders digest: ${ids.length} waiting > ${minutes} min in ${city?.name ?? `city ${cityId}`}: ${ids
          .slice(0, 20)
          .map((id) => `#${id}`)
          .join(', ')}${ids.length > 20 ? ' …' : ''}`,
        context: { city_id: cityId, order_ids: ids, recipients: rows.length },
      });
      return { refs: inserted, orders: ids.length };
    });
    if (!sent) continue;
    result.cities += 1;
    result.orders += sent.orders;
    result.outbox += sent.refs.length;
    if (sent.refs.length > 0) await runAfterCommit(deps, { outbox: sent.refs });
    deps.logger.info(
      { city_id: cityId, orders: sent.orders, outbox: sent.refs.length },
      'unassigned orders digest',
    );
  }
  return result;
}
