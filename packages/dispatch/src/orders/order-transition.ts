import type { Database } from '@fs/db';
import { type ActorType, assertTransition, type OrderStatus } from '@fs/domain';
import { type Expression, type ExpressionBuilder, type SqlBool, sql, type UpdateObject } from 'kysely';
import type { Executor } from '../shared/deps';

export interface TransitionOrderInput {
  orderId: number;
  from: OrderStatus;
  to: OrderStatus;
  actorType: ActorType;
  actorId?: number | null;
  reason?: string | null;
  context?: Record<string, unknown>;
  /** Other columns to set together with the status. */
  patch?: Omit<UpdateObject<Database, 'orders'>, 'id' | 'status' | 'version'>;
  /** Optimistic check: the version the caller read. Without it the status guard alone applies. */
  expectedVersion?: number;
  /** Extra guard, e.g. `eb('assigned_master_id', 'is', null)`. */
  guard?: (eb: ExpressionBuilder<Database, 'orders'>) => Expression<SqlBool>;
}

/**
 * The only way an order's status changes: checks the state machine for the actor, updates the
 * row only if it is still in `from` (and at `expectedVersion`), bumps the version and writes
 * the history row. Returns the new version, or null when the guard did not match (someone
 * else changed the order first); the caller decides what that means.
 */
export async function transitionOrder(
  trx: Executor,
  input: TransitionOrderInput,
): Promise<{ version: number } | null> {
  assertTransition(input.from, input.to, input.actorType);
  let query = trx
    .updateTable('orders')
    .set({
      ...input.patch,
      status: input.to,
      version: sql<number>`version + 1`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', input.orderId)
    .where('status', '=', input.from);
  if (input.expectedVersion !== undefined) query = query.where('version', '=', input.expectedVersion);
  if (input.guard) query = query.where(input.guard);
  const row = await query.returning('version').executeTakeFirst();
  if (!row) return null;
  await recordStatus(trx, input);
  return row;
}

/** The order_status_history row of a status change; `from` is null for a new order's first row. */
export async function recordStatus(
  trx: Executor,
  input: Pick<TransitionOrderInput, 'orderId' | 'to' | 'actorType' | 'actorId' | 'reason' | 'context'> & {
    from: OrderStatus | null;
  },
): Promise<void> {
  await trx
    .insertInto('order_status_history')
    .values({
      order_id: input.orderId,
      from_status: input.from,
      to_status: input.to,
      actor_type: input.actorType,
      actor_id: input.actorId ?? null,
      reason: input.reason ?? null,
      context: JSON.stringify(input.context ?? {}),
    })
    .execute();
}
