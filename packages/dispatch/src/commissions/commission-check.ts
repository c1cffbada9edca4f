import {
  type CommissionCheckedPayload,
  type CommissionStatus,
  commissionAmountKopecks,
  overdueBlockReason,
  type ReferralRewardPayload,
  type Settings,
} from '@fs/domain';
import { insertOutbox, type OutboxInsert } from '@fs/queue';
import { sql } from 'kysely';
import { clearMasterBlock, type StaffActor } from '../masters/master-admin';
import { wakeCityOrders } from '../offers/due-work';
import { transitionOrder } from '../orders/order-transition';
import { runAfterCommit } from '../shared/after-commit';
import { audit } from '../shared/audit';
import type { DispatchDeps, Executor } from '../shared/deps';
import { type LockedCommission, lockCommission } from './commission-lock';

/**
 * Staff check a master's commission payment. Approve: the commission is paid in full, the
 * order payment → closed, referral rewards accrue up the referrer chain (level 1 and 2, a
 * percentage of the commission from settings), a master blocked for an overdue commission
 * with no other overdue one left is unblocked, and the master is told. Reject: a reported payment
 * goes back to wait_pay (overdue when the deadline has passed) with the reason the master
 * sees. Both lock the commission, re-check the staff member's city scope (the order's city)
 * and the status, so a forged or repeated tap changes and sends nothing.
 */

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger' | 'settings'>;

export type CommissionRefusal = 'not_found' | 'not_in_scope' | 'wrong_state';

/** Statuses staff may approve from (a payment may arrive without the master's report). */
export const APPROVABLE_STATUSES = [
  'wait_pay',
  'reported',
  'overdue',
] as const satisfies readonly CommissionStatus[];
/** Only a reported payment can be rejected. */
export const REJECTABLE_STATUSES = ['reported'] as const satisfies readonly CommissionStatus[];

export interface AccruedReward {
  level: 1 | 2;
  referrerId: number;
  amountKopecks: number;
}

export type ApproveCommissionResult =
  | {
      kind: 'ok';
      paidKopecks: number;
      orderClosed: boolean;
      rewards: AccruedReward[];
      unblocked: boolean;
    }
  | { kind: CommissionRefusal };

export type RejectCommissionResult =
  | { kind: 'ok'; status: 'wait_pay' | 'overdue' }
  | { kind: CommissionRefusal };

/**
 * The commission locked for a staff check, or why the check is refused: missing, outside the
 * actor's cities, or not in one of `statuses`.
 */
async function lockForCheck(
  trx: Executor,
  actor: StaffActor,
  commissionId: number,
  statuses: readonly CommissionStatus[],
): Promise<LockedCommission | { kind: CommissionRefusal }> {
  const c = await lockCommission(trx, commissionId);
  if (!c) return { kind: 'not_found' };
  if (!actor.inScope(c.city_id)) return { kind: 'not_in_scope' };
  if (!(statuses as readonly string[]).includes(c.status)) return { kind: 'wrong_state' };
  return c;
}

const checkedPayload = (c: LockedCommission, reason?: string): CommissionCheckedPayload => ({
  commission_id: c.id,
  order_id: c.order_id,
  amount_kopecks: c.amount_kopecks,
  ...(reason !== undefined ? { reason } : {}),
});

/**
 * The referrer chain of a master, at most two levels up (referrals.master_id → referrer_id);
 * a cycle back to the master or a repeated referrer ends it.
 */
async function referrerChain(trx: Executor, masterId: number): Promise<number[]> {
  const chain: number[] = [];
  let current = masterId;
  for (let level = 1; level <= 2; level++) {
    const row = await trx
      .selectFrom('referrals')
      .select('referrer_id')
      .where('master_id', '=', current)
      .executeTakeFirst();
    if (!row || row.referrer_id === masterId || chain.includes(row.referrer_id)) break;
    chain.push(row.referrer_id);
    current = row.referrer_id;
  }
  return chain;
}

/** Level 1 and 2 rewards (percent of the commission, half-up to a kopeck), once per level. */
async function accrueReferralRewards(
  trx: Executor,
  c: LockedCommission,
  settings: Pick<Settings, 'referral_level1_pct' | 'referral_level2_pct'>,
): Promise<{ rewards: AccruedReward[]; outbox: OutboxInsert[] }> {
  const chain = await referrerChain(trx, c.master_id);
  const rewards: AccruedReward[] = [];
  const outbox: OutboxInsert[] = [];
  for (const [i, referrerId] of chain.entries()) {
    const level = (i + 1) as 1 | 2;
    const pct = level === 1 ? settings.referral_level1_pct : settings.referral_level2_pct;
    const amount = commissionAmountKopecks(c.amount_kopecks, pct);
    if (amount <= 0) continue;
    const inserted = await trx
      .insertInto('referral_rewards')
      .values({
        referrer_id: referrerId,
        referred_master_id: c.master_id,
        commission_id: c.id,
        level,
        rate: (pct / 100).toFixed(4),
        amount_kopecks: amount,
      })
      .onConflict((oc) => oc.columns(['commission_id', 'level']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) continue;
    rewards.push({ level, referrerId, amountKopecks: amount });
    const payload: ReferralRewardPayload = { amount_kopecks: amount, level, order_id: c.order_id };
    outbox.push({
      bot: 'master',
      event: 'referral_reward',
      master_id: referrerId,
      payload: { ...payload },
      dedup_key: `referral_reward:c${c.id}:l${level}`,
    });
  }
  return { rewards, outbox };
}

/**
 * The master was blocked for an overdue commission (the block reason is the overdue job's,
 * see commission-deadlines): unblock when, with this one paid, none of theirs is overdue.
 * A block staff set by hand (another reason) stays.
 */
async function unblockAfterOverdue(trx: Executor, c: LockedCommission): Promise<OutboxInsert | null> {
  if (c.status !== 'overdue' && !c.blocked_applied) return null;
  const m = await trx
    .selectFrom('masters')
    .select(['id', 'is_blocked', 'blocked_at', 'blocked_reason'])
    .where('id', '=', c.master_id)
    .forNoKeyUpdate()
    .executeTakeFirstOrThrow();
  if (!m.is_blocked || m.blocked_reason === null) return null;
  const overdueOrders = await trx
    .selectFrom('commissions')
    .select(['order_id', 'status'])
    .where('master_id', '=', c.master_id)
    .where((eb) => eb.or([eb('blocked_applied', '=', true), eb('status', '=', 'overdue')]))
    .execute();
  if (overdueOrders.some((o) => o.status === 'overdue' && o.order_id !== c.order_id)) return null;
  const blockedForOverdue = overdueOrders.some((o) => overdueBlockReason(o.order_id) === m.blocked_reason);
  if (!blockedForOverdue) return null;
  return clearMasterBlock(trx, m);
}

/** Approves the payment of a commission in full (see the module comment). */
export async function approveCommission(
  deps: Deps,
  actor: StaffActor,
  commissionId: number,
): Promise<ApproveCommissionResult> {
  const settings = await deps.settings.get();
  const done = await deps.db.transaction().execute(async (trx) => {
    const c = await lockForCheck(trx, actor, commissionId, APPROVABLE_STATUSES);
    if ('kind' in c) return { result: c, refs: [] };
    await trx
      .updateTable('commissions')
      .set({
        status: 'approved',
        approved_at: sql<Date>`now()`,
        approved_by_staff_id: actor.staffId,
        paid_amount_kopecks: c.amount_kopecks,
        reject_reason: null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', c.id)
      .execute();
    const closed =
      c.order_status === 'payment'
        ? await transitionOrder(trx, {
            orderId: c.order_id,
            from: 'payment',
            to: 'closed',
            actorType: 'staff',
            actorId: actor.staffId,
            reason: 'commission_approved',
            context: { commission_id: c.id },
            expectedVersion: c.order_version,
            patch: { closed_at: sql<Date>`now()` },
          })
        : null;
    const { rewards, outbox } = await accrueReferralRewards(trx, c, settings);
    const unblock = await unblockAfterOverdue(trx, c);
    if (unblock) outbox.push(unblock);
    outbox.push({
      bot: 'master',
      event: 'commission_approved',
      master_id: c.master_id,
      order_id: c.order_id,
      payload: { ...checkedPayload(c) },
      dedup_key: `commission_approved:c${c.id}`,
    });
    await audit(trx, {
      staffId: actor.staffId,
      action: 'commission.approve',
      entityType: 'commission',
      entityId: c.id,
      payload: {
        paid_kopecks: c.amount_kopecks,
        from_status: c.status,
        order_closed: closed !== null,
        rewards: rewards.map((r) => ({
          level: r.level,
          referrer_id: r.referrerId,
          amount_kopecks: r.amountKopecks,
        })),
        unblocked: unblock !== null,
      },
    });
    const refs = await insertOutbox(trx, outbox);
    return {
      result: {
        kind: 'ok' as const,
        paidKopecks: c.amount_kopecks,
        orderClosed: closed !== null,
        rewards,
        unblocked: unblock !== null,
      },
      refs,
      cityId: c.city_id,
    };
  });
  deps.logger.info(
    { commission_id: commissionId, staff_id: actor.staffId, outcome: done.result.kind },
    'commission approve',
  );
  await runAfterCommit(deps, { outbox: done.refs });
  // A closed order no longer counts against the master's limit.
  if (done.result.kind === 'ok' && done.result.orderClosed && 'cityId' in done && done.cityId !== undefined) {
    await wakeCityOrders(deps, done.cityId, 'commission_approved');
  }
  return done.result;
}

/** Rejects a reported payment with the reason; back to wait_pay, or overdue past the deadline. */
export async function rejectCommission(
  deps: Deps,
  actor: StaffActor,
  commissionId: number,
  reason: string,
): Promise<RejectCommissionResult> {
  const done = await deps.db.transaction().execute(async (trx) => {
    const c = await lockForCheck(trx, actor, commissionId, REJECTABLE_STATUSES);
    if ('kind' in c) return { result: c, refs: [] };
    const row = await trx
      .updateTable('commissions')
      .set({
        status: sql<CommissionStatus>`CASE WHEN deadline_at <= now() THEN 'overdue' ELSE 'wait_pay' END::commission_status`,
        reject_reason: reason,
        reported_at: null,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', c.id)
      .returning(['status', 'updated_at'])
      .executeTakeFirstOrThrow();
    const status = row.status as 'wait_pay' | 'overdue';
    await audit(trx, {
      staffId: actor.staffId,
      action: 'commission.reject',
      entityType: 'commission',
      entityId: c.id,
      payload: { reason, status },
    });
    const refs = await insertOutbox(trx, [
      {
        bot: 'master',
        event: 'commission_rejected',
        master_id: c.master_id,
        order_id: c.order_id,
        payload: { ...checkedPayload(c, reason) },
        dedup_key: `commission_rejected:c${c.id}:${row.updated_at.getTime()}`,
      },
    ]);
    return { result: { kind: 'ok' as const, status }, refs };
  });
  deps.logger.info(
    { commission_id: commissionId, staff_id: actor.staffId, outcome: done.result.kind },
    'commission reject',
  );
  await runAfterCommit(deps, { outbox: done.refs });
  return done.result;
}
