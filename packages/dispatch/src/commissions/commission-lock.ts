import type { CommissionStatus } from '@fs/domain';
import type { Executor } from '../shared/deps';
import { commissionsWithOrder } from './commission-read';

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
  return commissionsWithOrder(trx)
    .innerJoin('masters as m', 'm.id', 'k.master_id')
    .select([
      'k.id',
      'k.order_id',
      'k.master_id',
      'm.full_name as master_name',
      'k.amount_kopecks',
      'k.status',
      'k.deadline_at',
      'k.blocked_applied',
      'o.city_id',
      'o.status as order_status',
      'o.version as order_version',
    ])
    .where('k.id', '=', commissionId)
    .forUpdate('k')
    .executeTakeFirst();
}
