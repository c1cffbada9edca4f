import type { Database } from '@fs/db';
import {
  CATEGORIES,
  CATEGORY_LABELS,
  type Category,
  type LimitChangedPayload,
  type ModerationStatus,
  type ProfileUpdatedPayload,
  type ReasonPayload,
  type StaffMessagePayload,
} from '@fs/domain';
import { insertOutbox, type OutboxInsert } from '@fs/queue';
import { sql, type UpdateObject } from 'kysely';
import { wakeCityOrders } from '../offers/due-work';
import { runAfterCommit } from '../shared/after-commit';
import { audit } from '../shared/audit';
import type { DispatchDeps, Executor } from '../shared/deps';

/**
 * What staff do to a master: moderation (approve / reject), block / unblock, the order limit,
 * districts and skills, a message. Each action is one transaction that locks the master row,
 * re-checks the acting staff member's city scope and the master's state (so a forged or stale
 * button changes nothing), writes the change, one admin_audit_log row and the master's
 * notification as an outbox row whose dedup key is tied to the change itself — a second tap
 * finds the state already changed and writes nothing.
 */

type Deps = Pick<DispatchDeps, 'db' | 'queues' | 'logger'>;

/** Who acts, and the city scope they act in (role and cities, decided by the bot). */
export interface StaffActor {
  staffId: number;
  staffName: string;
  inScope: (cityId: number | null) => boolean;
}

export type MasterRefusal =
  /** No such master (or soft-deleted). */
  | 'not_found'
  /** The master's city is outside the staff member's scope. */
  | 'not_in_scope'
  /** The master is not in the state the action starts from (already approved, not blocked…). */
  | 'wrong_state';

export type MasterActionResult<T extends object = object> = ({ kind: 'ok' } & T) | { kind: MasterRefusal };

interface LockedMaster {
  id: number;
  city_id: number | null;
  full_name: string;
  moderation_status: ModerationStatus;
  is_blocked: boolean;
  blocked_at: Date | null;
  max_active_orders_override: number | null;
}

interface ActOutcome<T extends object> {
  result: MasterActionResult<T>;
  outbox?: OutboxInsert[];
  /** The change may let the master take waiting orders of their city now. */
  wake?: boolean;
}

async function actOnMaster<T extends object>(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  what: string,
  act: (trx: Executor, m: LockedMaster, change: ChangeMaster) => Promise<ActOutcome<T>>,
): Promise<MasterActionResult<T>> {
  const done = await deps.db.transaction().execute(async (trx) => {
    const m = await trx
      .selectFrom('masters')
      .select([
        'id',
        'city_id',
        'full_name',
        'moderation_status',
        'is_blocked',
        'blocked_at',
        'max_active_orders_override',
      ])
      .where('id', '=', masterId)
      .where('is_deleted', '=', false)
      .forNoKeyUpdate()
      .executeTakeFirst();
    if (!m) return { outcome: { result: { kind: 'not_found' as const } }, refs: [], cityId: null };
    if (!actor.inScope(m.city_id)) {
      return { outcome: { result: { kind: 'not_in_scope' as const } }, refs: [], cityId: m.city_id };
    }
    const outcome = await act(trx, m, (set, payload) => changeMaster(trx, actor, m.id, what, set, payload));
    const refs = await insertOutbox(trx, outcome.outbox ?? []);
    return { outcome, refs, cityId: m.city_id };
  });
  deps.logger.info(
    { master_id: masterId, staff_id: actor.staffId, action: what, outcome: done.outcome.result.kind },
    'staff master action',
  );
  await runAfterCommit(deps, { outbox: done.refs });
  if (done.outcome.result.kind === 'ok' && done.outcome.wake && done.cityId !== null) {
    await wakeCityOrders(deps, done.cityId, `staff_${what}`);
  }
  return done.outcome.result;
}

type MasterSet = UpdateObject<Database, 'masters'>;

interface ChangedMaster {
  version: number;
  updated_at: Date;
  blocked_at: Date | null;
  verified_at: Date | null;
}

/** Writes `set` to the master row (bumping its version) and the action's audit row `master.<what>`. */
type ChangeMaster = (set: MasterSet, auditPayload?: Record<string, unknown>) => Promise<ChangedMaster>;

async function changeMaster(
  trx: Executor,
  actor: StaffActor,
  masterId: number,
  what: string,
  set: MasterSet,
  auditPayload?: Record<string, unknown>,
): Promise<ChangedMaster> {
  const row = await trx
    .updateTable('masters')
    .set({ ...set, updated_at: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', masterId)
    .returning(['version', 'updated_at', 'blocked_at', 'verified_at'])
    .executeTakeFirstOrThrow();
  await audit(trx, {
    staffId: actor.staffId,
    action: `master.${what}`,
    entityType: 'master',
    entityId: masterId,
    payload: auditPayload,
  });
  return row;
}

const refused = (kind: MasterRefusal): { result: { kind: MasterRefusal } } => ({ result: { kind } });

function masterRow<E extends OutboxInsert['event']>(
  masterId: number,
  event: E,
  payload: object,
  dedupKey: string,
): OutboxInsert {
  return { bot: 'master', event, master_id: masterId, payload: { ...payload }, dedup_key: dedupKey };
}

/** The master is told staff changed their profile (once per master version). */
function profileUpdatedRow(masterId: number, version: number, notice: ProfileUpdatedPayload): OutboxInsert {
  return masterRow(masterId, 'profile_updated', notice, `profile_updated:m${masterId}:v${version}`);
}

/** Pending → approved and verified (by whom, when); the master is told. */
export function approveMaster(deps: Deps, actor: StaffActor, masterId: number): Promise<MasterActionResult> {
  return actOnMaster<object>(deps, actor, masterId, 'approve', async (_trx, m, change) => {
    if (m.moderation_status !== 'pending') return refused('wrong_state');
    const row = await change({
      moderation_status: 'approved',
      moderation_reason: null,
      verified: true,
      verified_at: sql<Date>`now()`,
      verified_by_staff_id: actor.staffId,
      is_active: true,
    });
    return {
      result: { kind: 'ok' },
      outbox: [
        masterRow(
          m.id,
          'moderation_approved',
          {},
          `moderation_approved:m${m.id}:${row.verified_at!.getTime()}`,
        ),
      ],
    };
  });
}

/** Pending → rejected with the reason the master sees. */
export function rejectMaster(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  reason: string,
): Promise<MasterActionResult> {
  return actOnMaster<object>(deps, actor, masterId, 'reject', async (_trx, m, change) => {
    if (m.moderation_status !== 'pending') return refused('wrong_state');
    const row = await change(
      { moderation_status: 'rejected', moderation_reason: reason, verified: false },
      { reason },
    );
    const payload: ReasonPayload = { reason };
    return {
      result: { kind: 'ok' },
      outbox: [
        masterRow(
          m.id,
          'moderation_rejected',
          payload,
          `moderation_rejected:m${m.id}:${row.updated_at.getTime()}`,
        ),
      ],
    };
  });
}

/** Not blocked → blocked with the reason (and off shift); the master is told. */
export function blockMaster(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  reason: string,
): Promise<MasterActionResult> {
  return actOnMaster<object>(deps, actor, masterId, 'block', async (_trx, m, change) => {
    if (m.is_blocked) return refused('wrong_state');
    const row = await change(blocked(reason), { reason });
    const payload: ReasonPayload = { reason };
    return {
      result: { kind: 'ok' },
      outbox: [masterRow(m.id, 'account_blocked', payload, accountBlockedKey(m.id, row.blocked_at!))],
    };
  });
}

export const accountBlockedKey = (masterId: number, blockedAt: Date) =>
  `account_blocked:m${masterId}:${blockedAt.getTime()}`;
/** One notice per block episode (keyed by the time the block started). */
export const accountUnblockedKey = (masterId: number, blockedAt: Date | null) =>
  `account_unblocked:m${masterId}:${blockedAt?.getTime() ?? 0}`;

/** A block: the reason, since now, and off shift (a break ends with it). */
const blocked = (reason: string) =>
  ({
    is_blocked: true,
    blocked_reason: reason,
    blocked_at: sql<Date>`now()`,
    shift_status: 'off',
    break_until: null,
  }) satisfies MasterSet;

const UNBLOCKED = { is_blocked: false, blocked_reason: null, blocked_at: null } satisfies MasterSet;

/** Blocks the master inside the caller's transaction (an overdue commission); the caller locked the row. */
export async function setMasterBlock(trx: Executor, masterId: number, reason: string): Promise<void> {
  await trx
    .updateTable('masters')
    .set({ ...blocked(reason), updated_at: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', masterId)
    .execute();
}

/**
 * Clears a block inside the caller's transaction (staff unblock, or an approved overdue
 * commission) and returns the master's notice. The caller has locked the master row.
 */
export async function clearMasterBlock(
  trx: Executor,
  m: { id: number; blocked_at: Date | null },
): Promise<OutboxInsert> {
  await trx
    .updateTable('masters')
    .set({ ...UNBLOCKED, updated_at: sql<Date>`now()`, version: sql<number>`version + 1` })
    .where('id', '=', m.id)
    .execute();
  return masterRow(m.id, 'account_unblocked', {}, accountUnblockedKey(m.id, m.blocked_at));
}

/** Blocked → not blocked (the reason goes to the audit log); the master is told. */
export function unblockMaster(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  reason: string,
): Promise<MasterActionResult> {
  return actOnMaster<object>(deps, actor, masterId, 'unblock', async (_trx, m, change) => {
    if (!m.is_blocked) return refused('wrong_state');
    await change(UNBLOCKED, { reason });
    const notice = masterRow(m.id, 'account_unblocked', {}, accountUnblockedKey(m.id, m.blocked_at));
    return { result: { kind: 'ok' }, outbox: [notice], wake: true };
  });
}

/**
 * Sets the per-master limit of active orders (null = the `max_active_orders` setting, passed
 * as `defaultLimit` for the notice). The same value again changes and sends nothing.
 */
export function setMasterLimit(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  input: { limit: number | null; defaultLimit: number },
): Promise<MasterActionResult<{ effective: number }>> {
  return actOnMaster<{ effective: number }>(deps, actor, masterId, 'limit', async (_trx, m, change) => {
    if (m.max_active_orders_override === input.limit) return refused('wrong_state');
    const row = await change(
      { max_active_orders_override: input.limit },
      { from: m.max_active_orders_override, to: input.limit },
    );
    const effective = input.limit ?? input.defaultLimit;
    const payload: LimitChangedPayload = { limit: effective };
    return {
      result: { kind: 'ok', effective },
      outbox: [masterRow(m.id, 'limit_changed', payload, `limit_changed:m${m.id}:v${row.version}`)],
      wake: true,
    };
  });
}

/** Replaces the master's districts with `districtIds` (all of the master's city; [] = none). */
export function setMasterDistricts(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  districtIds: readonly number[],
): Promise<MasterActionResult<{ districtIds: number[] }>> {
  return actOnMaster<{ districtIds: number[] }>(
    deps,
    actor,
    masterId,
    'districts',
    async (trx, m, change) => {
      const wanted = [...new Set(districtIds)];
      const valid =
        wanted.length === 0 || m.city_id === null
          ? []
          : await trx
              .selectFrom('districts')
              .select('id')
              .where('city_id', '=', m.city_id)
              .where('id', 'in', wanted)
              .orderBy('id')
              .execute();
      if (valid.length !== wanted.length) return refused('wrong_state');
      const ids = valid.map((d) => d.id);
      const before = await trx
        .selectFrom('master_districts')
        .select('district_id')
        .where('master_id', '=', m.id)
        .orderBy('district_id')
        .execute();
      const changed = before.map((d) => d.district_id).join() !== ids.join();
      await trx.deleteFrom('master_districts').where('master_id', '=', m.id).execute();
      if (ids.length > 0) {
        await trx
          .insertInto('master_districts')
          .values(ids.map((district_id) => ({ master_id: m.id, district_id })))
          .execute();
      }
      const { version } = await change({}, { district_ids: ids });
      const names =
        ids.length === 0
          ? []
          : (
              await trx
                .selectFrom('districts')
                .select('name')
                .where('id', 'in', ids)
                .orderBy('name')
                .execute()
            ).map((d) => d.name);
      return {
        result: { kind: 'ok', districtIds: ids },
        wake: true,
        outbox: changed ? [profileUpdatedRow(m.id, version, { field: 'districts', values: names })] : [],
      };
    },
  );
}

/** Replaces the master's skills (at least one). */
export function setMasterSkills(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  skills: readonly Category[],
): Promise<MasterActionResult<{ skills: Category[] }>> {
  return actOnMaster<{ skills: Category[] }>(deps, actor, masterId, 'skills', async (trx, m, change) => {
    const wanted = CATEGORIES.filter((c) => skills.includes(c));
    if (wanted.length === 0) return refused('wrong_state');
    const before = await trx
      .selectFrom('master_skills')
      .select('skill_code')
      .where('master_id', '=', m.id)
      .execute();
    const changed = CATEGORIES.filter((c) => before.some((b) => b.skill_code === c)).join() !== wanted.join();
    await trx.deleteFrom('master_skills').where('master_id', '=', m.id).execute();
    await trx
      .insertInto('master_skills')
      .values(wanted.map((skill_code) => ({ master_id: m.id, skill_code })))
      .execute();
    const { version } = await change({}, { skills: wanted });
    const notice: ProfileUpdatedPayload = { field: 'skills', values: wanted.map((c) => CATEGORY_LABELS[c]) };
    return {
      result: { kind: 'ok', skills: wanted },
      wake: true,
      outbox: changed ? [profileUpdatedRow(m.id, version, notice)] : [],
    };
  });
}

/**
 * A message from staff to the master. `requestKey` identifies the staff member's input (their
 * Telegram message): a redelivered update writes no second row.
 */
export function messageMaster(
  deps: Deps,
  actor: StaffActor,
  masterId: number,
  input: { text: string; requestKey: string },
): Promise<MasterActionResult<{ sent: boolean }>> {
  return actOnMaster<{ sent: boolean }>(deps, actor, masterId, 'message', async (trx, m) => {
    const dedupKey = `staff_message:m${m.id}:s${actor.staffId}:${input.requestKey}`;
    const seen = await trx
      .selectFrom('notifications_outbox')
      .select('id')
      .where('dedup_key', '=', dedupKey)
      .executeTakeFirst();
    if (seen) return { result: { kind: 'ok', sent: false } };
    await audit(trx, {
      staffId: actor.staffId,
      action: 'master.message',
      entityType: 'master',
      entityId: m.id,
      payload: { text: input.text },
    });
    const payload: StaffMessagePayload = { text: input.text, from: actor.staffName };
    return {
      result: { kind: 'ok', sent: true },
      outbox: [masterRow(m.id, 'staff_message', payload, dedupKey)],
    };
  });
}
