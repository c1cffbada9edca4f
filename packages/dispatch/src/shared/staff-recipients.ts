import type { NotificationEvent } from '@fs/domain';
import type { OutboxInsert } from '@fs/queue';
import type { Executor } from './deps';

export type StaffAudience =
  /** The city's logists and admins, plus global admins without cities (they see every city). */
  | 'city_staff'
  /** The city's admins (city and global), plus global admins without cities. */
  | 'city_admins'
  /** Only staff linked to the city (any role): everyday notices that global admins need not get. */
  | 'city_members';

/** Active, reachable staff with a Telegram chat who should hear about an order in `cityId`. */
export async function staffRecipients(
  db: Executor,
  cityId: number,
  audience: StaffAudience,
): Promise<number[]> {
  let q = db
    .selectFrom('staff_users as s')
    .select('s.id')
    .where('s.is_active', '=', true)
    .where('s.is_unreachable', '=', false)
    .where('s.tg_user_id', 'is not', null);
  if (audience === 'city_admins') q = q.where('s.role', 'in', ['city_admin', 'global_admin']);
  q = q.where((eb) => {
    const inCity = eb.exists(
      eb
        .selectFrom('staff_cities as sc')
        .select('sc.city_id')
        .whereRef('sc.staff_user_id', '=', 's.id')
        .where('sc.city_id', '=', cityId),
    );
    if (audience === 'city_members') return inCity;
    const everyCity = eb.and([
      eb('s.role', '=', 'global_admin'),
      eb.not(
        eb.exists(
          eb
            .selectFrom('staff_cities as sc2')
            .select('sc2.city_id')
            .whereRef('sc2.staff_user_id', '=', 's.id'),
        ),
      ),
    ]);
    return eb.or([inCity, everyCity]);
  });
  const rows = await q.orderBy('s.id').execute();
  return rows.map((r) => r.id);
}

/** The alerts channel from settings (`alerts_channel_id`), or null when not configured. */
export function alertsChannelId(setting: string): number | null {
  const trimmed = setting.trim();
  if (!/^-?\d+$/.test(trimmed)) return null;
  return Number(trimmed);
}

/** One admin-bot outbox row per staff member, plus one for the alerts channel when set. */
export function staffOutboxRows(params: {
  event: NotificationEvent;
  staffIds: readonly number[];
  channelId: number | null;
  orderId: number | null;
  payload: object;
  /** Prefix of the per-recipient dedup key; the same episode never produces two rows. */
  dedupPrefix: string;
}): OutboxInsert[] {
  const base = {
    bot: 'admin' as const,
    event: params.event,
    order_id: params.orderId,
    payload: { ...params.payload },
  };
  const rows: OutboxInsert[] = params.staffIds.map((id) => ({
    ...base,
    staff_user_id: id,
    dedup_key: `${params.dedupPrefix}:s${id}`,
  }));
  if (params.channelId !== null)
    rows.push({
      ...base,
      chat_id: params.channelId,
      dedup_key: `${params.dedupPrefix}:c${params.channelId}`,
    });
  return rows;
}

/** Active, reachable global admins with a Telegram chat: who hears about what has no city. */
export async function globalAdmins(db: Executor): Promise<number[]> {
  const rows = await db
    .selectFrom('staff_users')
    .select('id')
    .where('role', '=', 'global_admin')
    .where('is_active', '=', true)
    .where('is_unreachable', '=', false)
    .where('tg_user_id', 'is not', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}
