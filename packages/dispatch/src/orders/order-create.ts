import type { Category, OrderType } from '@fs/domain';
import { cityWorkingWindow, deferredWakeAt, isWithinWorkingHours, nextWorkingStart } from '@fs/domain';
import { locateAddress, locationColumns, type OrderLocation } from '@fs/geo';
import { runAfterCommit } from '../shared/after-commit';
import { type ActFile, attachmentRow } from '../shared/attachments';
import { audit } from '../shared/audit';
import { type DispatchDeps, type Executor, nowOf } from '../shared/deps';
import { recordStatus, transitionOrder } from './order-transition';

/** An order as staff confirmed it (the admin bot validates and normalises the fields). */
export interface CreateOrderInput {
  cityId: number;
  districtId?: number | null;
  streetId?: number | null;
  street?: string | null;
  house?: string | null;
  apartment?: string | null;
  addressComment?: string | null;
  clientName?: string;
  clientPhone?: string | null;
  category: Category;
  description?: string;
  timeslot?: { start: Date; end: Date } | null;
  isAsap?: boolean;
  type?: OrderType;
  preferredMasterId?: number | null;
  guaranteeSourceOrderId?: number | null;
  createdByStaffId?: number | null;
  /** A known point (a warranty order keeps its source's); otherwise the address is located. */
  location?: OrderLocation;
  /** Files staff attached in the wizard, stored with the order as uploaded by `createdByStaffId`. */
  attachments?: readonly ActFile[];
  /**
   * When set (with `createdByStaffId`), the `order.create` audit row is written in the same
   * transaction with this payload plus the number of attachments.
   */
  auditPayload?: Record<string, unknown>;
  /** Runs inside the creating transaction once the order exists (a warranty order's own checks). */
  inTransaction?: (trx: Executor, orderId: number) => Promise<void>;
}

export interface CreateOrderResult {
  orderId: number;
  status: 'searching' | 'guarantee' | 'deferred';
  /** When a deferred order will be woken for distribution. */
  deferredUntil: Date | null;
}

/**
 * Creates a confirmed order in one transaction (row + history), `deferred` when the city is
 * outside its working hours, and wakes distribution after commit. The address is located first
 * (geocoder → street centre → district centre → unknown, see @fs/geo). Creation never waits for
 * distribution; if Redis is down the safety tick finds the order.
 */
export async function createOrder(deps: DispatchDeps, input: CreateOrderInput): Promise<CreateOrderResult> {
  const { db } = deps;
  const settings = await deps.settings.get();
  const now = nowOf(deps);
  // Before the transaction: the geocoder (cached, with a timeout) never holds a connection.
  const location =
    input.location ??
    (await locateAddress(
      { db, geocoder: deps.geocoder ?? null, logger: deps.logger },
      {
        cityId: input.cityId,
        districtId: input.districtId ?? null,
        streetId: input.streetId ?? null,
        street: input.street ?? null,
        house: input.house ?? null,
      },
    ));
  const result = await db.transaction().execute(async (trx) => {
    const city = await trx
      .selectFrom('cities')
      .select(['timezone', 'working_hours_start', 'working_hours_end'])
      .where('id', '=', input.cityId)
      .executeTakeFirstOrThrow(() => new Error(`city ${input.cityId} not found`));
    const window = cityWorkingWindow(city, settings);
    const open = isWithinWorkingHours(now, city.timezone, window.start, window.end);
    const type = input.type ?? 'normal';
    const status = !open ? 'deferred' : type === 'guarantee' ? 'guarantee' : 'searching';
    // Outside working hours: wake at the next opening, or later on the time slot's own day.
    const deferredUntil = open
      ? null
      : new Date(
          Math.max(
            nextWorkingStart(now, city.timezone, window.start, window.end).getTime(),
            deferredWakeAt({
              timeslotStart: input.timeslot?.start ?? null,
              deferredAt: now,
              tz: city.timezone,
              window,
            }).getTime(),
          ),
        );

    const order = await trx
      .insertInto('orders')
      .values({
        city_id: input.cityId,
        district_id: input.districtId ?? null,
        street_id: input.streetId ?? null,
        street: input.street ?? null,
        house: input.house ?? null,
        apartment: input.apartment ?? null,
        address_comment: input.addressComment ?? null,
        ...locationColumns(location),
        client_name: input.clientName ?? '',
        client_phone: input.clientPhone ?? null,
        category: input.category,
        description: input.description ?? '',
        status: 'created',
        type,
        timeslot_start: input.timeslot?.start ?? null,
        timeslot_end: input.timeslot?.end ?? null,
        is_asap: input.isAsap ?? false,
        preferred_master_id: input.preferredMasterId ?? null,
        guarantee_source_order_id: input.guaranteeSourceOrderId ?? null,
        created_by_staff_id: input.createdByStaffId ?? null,
        company_payment_kopecks: type === 'guarantee' ? settings.guarantee_payment_rub * 100 : 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const actor = input.createdByStaffId ? ('staff' as const) : ('system' as const);
    await recordStatus(trx, {
      orderId: order.id,
      from: null,
      to: 'created',
      actorType: actor,
      actorId: input.createdByStaffId,
      reason: 'order_created',
    });
    await transitionOrder(trx, {
      orderId: order.id,
      from: 'created',
      to: status,
      actorType: actor,
      actorId: input.createdByStaffId ?? null,
      reason: status === 'deferred' ? 'outside_working_hours' : 'order_confirmed',
      context: deferredUntil ? { deferred_until: deferredUntil.toISOString() } : {},
      patch: { deferred_until: deferredUntil },
    });
    await recordCreation(trx, order.id, input);
    await input.inTransaction?.(trx, order.id);
    return { orderId: order.id, status, deferredUntil } as const;
  });
  if (result.status !== 'deferred') {
    await runAfterCommit(deps, { wake: { orderId: result.orderId, reason: 'order_created', fresh: true } });
  }
  return result;
}

/** The staff side of a created order: its attachments and the audit row. */
async function recordCreation(trx: Executor, orderId: number, input: CreateOrderInput): Promise<void> {
  const files = input.attachments ?? [];
  const staffId = input.createdByStaffId ?? null;
  if (files.length > 0) {
    await trx
      .insertInto('attachments')
      .values(files.map((f) => attachmentRow(f, { entityType: 'order', entityId: orderId, staffId })))
      .execute();
  }
  if (staffId !== null && input.auditPayload) {
    await audit(trx, {
      staffId,
      action: 'order.create',
      entityType: 'order',
      entityId: orderId,
      payload: { ...input.auditPayload, attachments: files.length },
    });
  }
}
