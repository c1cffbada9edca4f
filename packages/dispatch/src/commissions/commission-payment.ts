import type { CommissionReportedPayload, CommissionStatus } from '@fs/domain';
import { insertOutbox } from '@fs/queue';
import { sql } from 'kysely';
import { runAfterCommit } from '../shared/after-commit';
import { type ActFile, attachmentRow } from '../shared/attachments';
import type { DispatchDeps } from '../shared/deps';
import { staffOutboxRows, staffRecipients } from '../shared/staff-recipients';
import { lockCommission } from './commission-lock';

/**
 * The master's "💸 Я оплатил": the receipts (photos or documents) become commission
 * attachments, the commission goes to `reported` and the city's finance staff (city and global
 * admins) are told, all in one transaction. An overdue commission can be reported too (the
 * master stays blocked until staff approve the payment); a reported or approved one cannot.
 */

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger'>;

/** A receipt the master sent: the same shape as the act of an order. */
export type ReceiptFile = ActFile;

/** Receipts per report (Telegram albums hold 10). */
export const MAX_RECEIPTS = 10;

/** Statuses a master may report a payment from. */
export const REPORTABLE_STATUSES = ['wait_pay', 'overdue'] as const satisfies readonly CommissionStatus[];

export type ReportPaymentResult =
  | { kind: 'reported'; commissionId: number; orderId: number; attachmentIds: number[]; reportedAt: Date }
  | { kind: 'not_found' | 'not_yours' | 'no_receipt' }
  | { kind: 'wrong_state'; status: CommissionStatus };

/** One staff notice per report episode: a report after a rejection notifies again. */
export const commissionReportedDedupPrefix = (commissionId: number, reportedAt: Date) =>
  `commission_reported:c${commissionId}:${reportedAt.getTime()}`;

export async function reportCommissionPayment(
  deps: Deps,
  input: { commissionId: number; masterId: number; files: readonly ReceiptFile[] },
): Promise<ReportPaymentResult> {
  if (input.files.length === 0 || input.files.length > MAX_RECEIPTS) return { kind: 'no_receipt' };
  const done = await deps.db.transaction().execute(async (trx) => {
    const c = await lockCommission(trx, input.commissionId);
    if (!c) return { result: { kind: 'not_found' as const }, refs: [] };
    if (c.master_id !== input.masterId) return { result: { kind: 'not_yours' as const }, refs: [] };
    if (!(REPORTABLE_STATUSES as readonly string[]).includes(c.status)) {
      return { result: { kind: 'wrong_state' as const, status: c.status }, refs: [] };
    }
    const attachments = await trx
      .insertInto('attachments')
      .values(
        input.files.map((f) =>
          attachmentRow(f, {
            entityType: 'commission',
            entityId: c.id,
            documentKind: 'receipt',
            masterId: input.masterId,
          }),
        ),
      )
      .returning('id')
      .execute();
    const row = await trx
      .updateTable('commissions')
      .set({ status: 'reported', reported_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
      .where('id', '=', c.id)
      .returning('reported_at')
      .executeTakeFirstOrThrow();
    const reportedAt = row.reported_at!;
    const payload: CommissionReportedPayload = {
      commission_id: c.id,
      order_id: c.order_id,
      amount_kopecks: c.amount_kopecks,
      master_id: c.master_id,
      master_name: c.master_name,
    };
    const refs = await insertOutbox(
      trx,
      staffOutboxRows({
        event: 'commission_reported',
        staffIds: await staffRecipients(trx, c.city_id, 'city_admins'),
        channelId: null,
        orderId: c.order_id,
        payload,
        dedupPrefix: commissionReportedDedupPrefix(c.id, reportedAt),
      }),
    );
    return {
      result: {
        kind: 'reported' as const,
        commissionId: c.id,
        orderId: c.order_id,
        attachmentIds: attachments.map((a) => a.id),
        reportedAt,
      },
      refs,
    };
  });
  deps.logger.info(
    {
      commission_id: input.commissionId,
      master_id: input.masterId,
      receipts: input.files.length,
      outcome: done.result.kind,
    },
    'commission payment reported',
  );
  await runAfterCommit(deps, { outbox: done.refs });
  return done.result;
}
