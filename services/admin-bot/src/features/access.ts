import type { Telegraf } from 'telegraf';
import { message } from 'telegraf/filters';
import type { AdminBotDeps, AdminContext } from '../context';
import { ACCESS_CODE_SHAPE, redeemAccessCode, resolveStaff, type StaffMember, type TgUser } from '../staff';
import { texts } from '../texts';

const MAX_FAILED_CODES = 5;
const FAILED_CODES_WINDOW_S = 600;

function tgUser(ctx: AdminContext): TgUser | undefined {
  const from = ctx.from;
  if (!from || from.is_bot) return undefined;
  const fullName = [from.first_name, from.last_name].filter(Boolean).join(' ').slice(0, 160);
  return { id: from.id, username: from.username, fullName };
}

/**
 * Access to the admin bot: staff are recognised by Telegram id (or linked by @username, or
 * created from GLOBAL_ADMIN_TG_IDS); everyone else must send a one-time access code, either
 * as `/start CODE` (deep link) or as a plain message.
 */
export function accessFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  const { db, redis, logger, config } = deps;

  const greet = (ctx: AdminContext, staff: StaffMember) =>
    ctx.reply(texts.greeting(staff.fullName, staff.role, staff.cities), { parse_mode: 'HTML' });

  /** Counts a wrong code; true when the user has used up their attempts. */
  async function tooManyFailures(userId: number, failed: boolean): Promise<boolean> {
    const key = `${config.REDIS_PREFIX}:admin:code-failures:${userId}`;
    if (!failed) return Number(await redis.get(key)) >= MAX_FAILED_CODES;
    const n = await redis.incr(key);
    if (n === 1) await redis.expire(key, FAILED_CODES_WINDOW_S);
    return n >= MAX_FAILED_CODES;
  }

  async function tryCode(ctx: AdminContext, user: TgUser, code: string): Promise<void> {
    if (await tooManyFailures(user.id, false)) {
      await ctx.reply(texts.codeTooManyAttempts);
      return;
    }
    const staff = await redeemAccessCode(db, code, user);
    if (!staff) {
      logger.info({ user_id: user.id }, 'access code refused');
      const blocked = await tooManyFailures(user.id, true);
      await ctx.reply(blocked ? texts.codeTooManyAttempts : texts.codeInvalid);
      return;
    }
    logger.info({ user_id: user.id, staff_id: staff.id, role: staff.role }, 'access code redeemed');
    await ctx.reply(texts.codeAccepted);
    await greet(ctx, staff);
  }

  async function handle(ctx: AdminContext, code: string | undefined): Promise<void> {
    const user = tgUser(ctx);
    if (!user) return;
    const staff = await resolveStaff(db, user, config.GLOBAL_ADMIN_TG_IDS);
    if (staff?.isActive) {
      await greet(ctx, staff);
      return;
    }
    if (code && ACCESS_CODE_SHAPE.test(code)) return tryCode(ctx, user, code);
    if (code) {
      await ctx.reply(texts.codeInvalid);
      return;
    }
    await ctx.reply(staff ? texts.deactivated : texts.askCode);
  }

  bot.start((ctx) => handle(ctx, ctx.payload.trim() || undefined));
  bot.on(message('text'), (ctx) => {
    const text = ctx.message.text.trim();
    // Other commands are not codes; the later menu handles them.
    return handle(ctx, text.startsWith('/') ? undefined : text);
  });
}
