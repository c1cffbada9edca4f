import { type LiveLocationResult, recordLiveLocation, setBaseLocation } from '@fs/dispatch';
import { Composer } from 'telegraf';
import type { MasterContext } from '../context';
import { mt } from '../texts';

/**
 * Locations the master sends (issue 18):
 * - a plain location sets the base point (📍 Моя точка explains how);
 * - a live location (with `live_period`) starts the shift's live location; Telegram then sends
 *   its moves as `edited_message` updates, recorded without a reply (they come every few
 *   seconds), and an edit without `live_period` when the master stops sharing.
 * The onboarding wizard takes the location of its own base-point step before this runs.
 */
export const location = new Composer<MasterContext>();

interface TgLocation {
  latitude: number;
  longitude: number;
  live_period?: number;
}

const locationOf = (msg: object): TgLocation | undefined =>
  'location' in msg ? ((msg as { location?: TgLocation }).location ?? undefined) : undefined;

const LIVE_REPLY: Partial<Record<LiveLocationResult, string>> = {
  off_shift: mt.place.liveOffShift,
  ignored: mt.place.liveIgnored,
  invalid: mt.place.invalid,
};

location.on('message', async (ctx, next) => {
  const loc = locationOf(ctx.message);
  if (!loc) return next();
  const master = ctx.master;
  if (!master) {
    await ctx.reply(mt.place.notRegistered);
    return;
  }
  const point = { lat: loc.latitude, lon: loc.longitude };
  const log = ctx.deps.logger.child({ master_id: master.id });
  if (loc.live_period === undefined) {
    const result = await setBaseLocation(ctx.deps.db, master.id, point);
    log.info({ outcome: result }, 'base point sent');
    await ctx.reply(result === 'saved' ? mt.place.baseSaved : mt.place.invalid);
    return;
  }
  const sentAt = new Date(ctx.message.date * 1000);
  const result = await recordLiveLocation(ctx.deps.db, master.id, {
    point,
    messageId: ctx.message.message_id,
    sentAt,
    livePeriod: loc.live_period,
    editedAt: null,
  });
  log.info({ outcome: result, live_period: loc.live_period }, 'live location started');
  if (result === 'started') {
    const until = await ctx.deps.db
      .selectFrom('masters')
      .select('live_until')
      .where('id', '=', master.id)
      .executeTakeFirst();
    await ctx.reply(mt.place.liveStarted(until?.live_until ?? null, master.timezone, ctx.deps.now()));
    return;
  }
  await ctx.reply(LIVE_REPLY[result] ?? mt.place.invalid);
});

location.on('edited_message', async (ctx, next) => {
  const msg = ctx.editedMessage;
  const loc = locationOf(msg);
  if (!loc || !ctx.master) return next();
  const result = await recordLiveLocation(ctx.deps.db, ctx.master.id, {
    point: { lat: loc.latitude, lon: loc.longitude },
    messageId: msg.message_id,
    sentAt: new Date(msg.date * 1000),
    livePeriod: loc.live_period ?? null,
    editedAt: new Date(('edit_date' in msg && msg.edit_date ? msg.edit_date : msg.date) * 1000),
  });
  if (result !== 'updated') {
    ctx.deps.logger.info({ master_id: ctx.master.id, outcome: result }, 'live location edit');
  }
});
