import type { CommissionStatus } from '@fs/domain';
import type { Executor } from '../shared/deps';

/** A commission row locked for a write (staff check, the master's payment report), with its order and master. */
export interface LockedCommission {
  id: number;
  order_id: number;
  master_id: number;
  master_name: string;
  amount_kopecks: number;
  status: CommissionStatus;
  deadline_at: Date;
  blocked_applied: boolean;
  city_id: number;
  order_status: string;
  order_version: number;
}

export async function lockCommission(
  trx: Executor,
  commissionId: number,
): Promise<LockedCommission | undefined> {
  return trx
    .selectFrom('commissions as c')
    .innerJoin('orders as o', 'o.id', 'c.order_id')
    .innerJoin('masters as m', 'm.id', 'c.master_id')
    .select([
      'c.id',
      'c.order_id',
      'c.master_id',
      'm.full_name as master_name',
      'c.amount_kopecks',
      'c.status',
      'c.deadline_at',
      'c.blocked_applied',
      'o.city_id',
      'o.status as order_status',
      'o.version as order_version',
    ])
    .where('c.id', '=', commissionId)
    .forUpdate('c')
    .executeTakeFirst();
}
