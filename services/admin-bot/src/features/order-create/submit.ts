import { type CreateOrderResult, createOrder } from '@fs/dispatch';
import { asapDecision, type Category } from '@fs/domain';
import type { AdminBotDeps } from '../../context';
import type { StaffMember } from '../../queries/staff';
import type { Draft, SlotChoice } from './draft';
import type { DraftFiles } from './files';
import { bookable, type SlotContext, slotOfChoice } from './screens';

/** Turns a confirmed draft into an order: the visit window as of now, one order per run. */

export type SubmitOutcome =
  | { kind: 'created'; result: CreateOrderResult }
  /** ASAP chose earlier, but it is now past the late threshold: staff must confirm tomorrow. */
  | { kind: 'late' }
  /** The chosen slot ended while the card was open. */
  | { kind: 'slotOver' }
  /** This wizard run already created (or is creating) its order. */
  | { kind: 'duplicate' };

type VisitWindow = { start: Date; end: Date; isAsap: boolean };

/** The chosen slot as instants now; 'late' / 'over' when it can no longer be used. */
export function visitWindow(choice: SlotChoice, sc: SlotContext): VisitWindow | 'late' | 'over' {
  const tz = sc.city.timezone;
  if (choice.kind === 'asap') {
    const decision = asapDecision({ ...sc, tz });
    return decision.kind === 'late' ? 'late' : { start: decision.start, end: decision.end, isAsap: true };
  }
  const slot = slotOfChoice(choice, tz);
  return bookable(slot, sc) ? { start: slot.start, end: slot.end, isAsap: false } : 'over';
}

export type CompleteDraft = Draft & { category: Category; slot: SlotChoice; clientPhone: string };

export function isComplete(d: Draft): d is CompleteDraft {
  return d.category !== undefined && d.slot !== undefined && d.clientPhone !== undefined;
}

/**
 * Creates the order through dispatch's createOrder (one transaction with its history, the
 * attachments and the audit row; distribution is woken after commit). A Redis NX key per wizard
 * run makes a double or simultaneous ✅ harmless; it is released if creation fails so staff can retry.
 */
export async function submitDraft(
  deps: AdminBotDeps,
  files: DraftFiles,
  staff: StaffMember,
  d: CompleteDraft,
  sc: SlotContext,
): Promise<SubmitOutcome> {
  const window = visitWindow(d.slot, sc);
  if (window === 'late') return { kind: 'late' };
  if (window === 'over') return { kind: 'slotOver' };

  const lockKey = `${deps.config.REDIS_PREFIX}:admin:order-draft-created:${d.nonce}`;
  if ((await deps.redis.set(lockKey, '1', 'EX', 3600, 'NX')) !== 'OK') return { kind: 'duplicate' };

  const attached = await files.list(d.nonce);
  try {
    // What the draft leaves out (district, street, name, …) createOrder stores as empty.
    const result = await createOrder(deps.dispatch, {
      cityId: sc.city.id,
      districtId: d.districtId,
      streetId: d.streetId,
      street: d.street,
      house: d.house,
      apartment: d.apartment,
      addressComment: d.comment,
      clientName: d.clientName,
      clientPhone: d.clientPhone,
      category: d.category,
      description: d.description,
      timeslot: { start: window.start, end: window.end },
      isAsap: window.isAsap,
      type: d.type,
      createdByStaffId: staff.id,
      attachments: attached,
      auditPayload: { mode: d.mode, reused_address: d.reused === true },
    });
    await files.clear(d.nonce);
    deps.logger.info(
      { order_id: result.orderId, staff_id: staff.id, status: result.status },
      'order created by staff',
    );
    return { kind: 'created', result };
  } catch (err) {
    await deps.redis.del(lockKey);
    throw err;
  }
}
