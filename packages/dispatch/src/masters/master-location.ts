import { type GeoPoint, isValidPoint, liveLocationUntil } from '@fs/domain';
import { sql } from 'kysely';
import type { Executor } from '../shared/deps';

/**
 * Where a master is (issue 18). Two sources, both Telegram locations the master sends to the
 * master bot:
 * - the base point (onboarding or the cabinet): kept until changed;
 * - a live location while on shift (Telegram sends the position as edits of the sharing
 *   message, `edited_message`): it counts until its live period ends, the master stops sharing
 *   or ends the shift — then dispatch falls back to the base point.
 * Dispatch reads `masters.geo_point`, which a trigger keeps equal to the active live point or
 * else the base point (migration 0180). No other master ever sees either point.
 */

export type BaseLocationResult = 'saved' | 'invalid' | 'not_found';

export async function setBaseLocation(
  db: Executor,
  masterId: number,
  point: GeoPoint,
): Promise<BaseLocationResult> {
  if (!isValidPoint(point.lat, point.lon)) return 'invalid';
  const row = await db
    .updateTable('masters')
    .set({
      base_lat: point.lat,
      base_lon: point.lon,
      base_updated_at: sql<Date>`now()`,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', masterId)
    .where('is_deleted', '=', false)
    .returning('id')
    .executeTakeFirst();
  return row ? 'saved' : 'not_found';
}

/** A Telegram location message from the master, new or edited. */
export interface LiveLocationMessage {
  point: GeoPoint;
  messageId: number;
  /** When the message was first sent (`message.date`). */
  sentAt: Date;
  /** `location.live_period`: absent once the sharing stopped (or for a plain location). */
  livePeriod: number | null;
  /** `edit_date` of an edit; null for the message that starts the sharing. */
  editedAt: Date | null;
}

export type LiveLocationResult =
  /** A new sharing now counts (the reply tells the master). */
  | 'started'
  /** A position update of the active sharing. */
  | 'updated'
  /** The master stopped sharing: dispatch uses the base point again. */
  | 'stopped'
  /** Not on shift: live location is only used during a shift. */
  | 'off_shift'
  /** An edit of an older sharing, an out-of-order edit, after the live period, or not a master. */
  | 'ignored'
  | 'invalid';

/**
 * Records a live location: the first message of a sharing (with `live_period`) starts it, its
 * edits move it, an edit without `live_period` (Telegram: "for active live locations only")
 * ends it. Edits of another message than the current sharing, older than the last update or
 * after the live period change nothing.
 */
export async function recordLiveLocation(
  db: Executor,
  masterId: number,
  msg: LiveLocationMessage,
): Promise<LiveLocationResult> {
  if (!isValidPoint(msg.point.lat, msg.point.lon)) return 'invalid';
  if (msg.editedAt === null) {
    if (msg.livePeriod === null) return 'ignored';
    const until = liveLocationUntil(msg.sentAt, msg.livePeriod);
    const row = await db
      .updateTable('masters')
      .set({
        live_lat: msg.point.lat,
        live_lon: msg.point.lon,
        live_updated_at: msg.sentAt,
        live_until: until,
        live_message_id: msg.messageId,
        live_active: true,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', masterId)
      .where('is_deleted', '=', false)
      .where('shift_status', 'in', ['on', 'break'])
      .where(sql<boolean>`(${until}::timestamptz IS NULL OR ${until}::timestamptz > now())`)
      .returning('id')
      .executeTakeFirst();
    if (row) return 'started';
    const m = await db
      .selectFrom('masters')
      .select('shift_status')
      .where('id', '=', masterId)
      .where('is_deleted', '=', false)
      .executeTakeFirst();
    return m && m.shift_status === 'off' ? 'off_shift' : 'ignored';
  }

  const current = sql<boolean>`(live_active AND live_message_id = ${msg.messageId}
    AND (live_until IS NULL OR live_until > now()) AND (live_updated_at IS NULL OR live_updated_at <= ${msg.editedAt}))`;
  const row = await db
    .updateTable('masters')
    .set(
      msg.livePeriod === null
        ? { live_active: false, live_updated_at: msg.editedAt, updated_at: sql<Date>`now()` }
        : {
            live_lat: msg.point.lat,
            live_lon: msg.point.lon,
            live_updated_at: msg.editedAt,
            updated_at: sql<Date>`now()`,
          },
    )
    .where('id', '=', masterId)
    .where(current)
    .returning('id')
    .executeTakeFirst();
  if (!row) return 'ignored';
  return msg.livePeriod === null ? 'stopped' : 'updated';
}

/**
 * Ends live locations whose live period is over (the scheduler runs it every minute, once per
 * cluster): dispatch uses their base points again. Returns how many ended.
 */
export async function expireLiveLocations(db: Executor): Promise<number> {
  const res = await db
    .updateTable('masters')
    .set({ live_active: false })
    .where('live_active', '=', true)
    .where('live_until', '<=', sql<Date>`now()`)
    .executeTakeFirst();
  return Number(res.numUpdatedRows);
}

/** Deletes geocoder answers that expired more than a week ago (they are refreshed on use anyway). */
export async function purgeGeocodeCache(db: Executor): Promise<number> {
  const res = await db
    .deleteFrom('geocode_cache')
    .where('expires_at', '<', sql<Date>`now() - interval '7 days'`)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** What staff see about a master's location (never shown to other masters). */
export interface MasterLocationInfo {
  base: (GeoPoint & { updatedAt: Date }) | null;
  live: (GeoPoint & { updatedAt: Date; until: Date | null; active: boolean }) | null;
}

export async function masterLocationInfo(db: Executor, masterId: number): Promise<MasterLocationInfo | null> {
  const m = await db
    .selectFrom('masters')
    .select([
      'base_lat',
      'base_lon',
      'base_updated_at',
      'live_lat',
      'live_lon',
      'live_updated_at',
      'live_until',
      sql<boolean>`live_active AND (live_until IS NULL OR live_until > now())`.as('live_now'),
    ])
    .where('id', '=', masterId)
    .executeTakeFirst();
  if (!m) return null;
  return {
    base:
      m.base_lat !== null && m.base_lon !== null && m.base_updated_at
        ? { lat: m.base_lat, lon: m.base_lon, updatedAt: m.base_updated_at }
        : null,
    live:
      m.live_lat !== null && m.live_lon !== null && m.live_updated_at
        ? {
            lat: m.live_lat,
            lon: m.live_lon,
            updatedAt: m.live_updated_at,
            until: m.live_until,
            active: m.live_now,
          }
        : null,
  };
}
