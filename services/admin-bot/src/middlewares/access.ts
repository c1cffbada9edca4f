import { looksLikeAccessCode } from '@fs/domain';
import type { MiddlewareFn } from 'telegraf';
import type { AdminContext } from '../context';
import { showMenu } from '../features/menu';
import { redeemAccessCode, resolveStaff, type TgUser } from '../queries/staff';
import { texts } from '../texts';

const MAX_FAILED_CODES = 5;
const FAILED_CODES_WINDOW_S = 600;

/**
 * The first middleware after the session: staff are recognised by Telegram id (or linked by
 * @username, or created from GLOBAL_ADMIN_TG_IDS) once per update and put on `ctx.staff` for
 * every later handler. Everyone else can only send a one-time access code, as `/start CODE`
 * (deep link) or a plain message.
 */
export const access: MiddlewareFn<AdminContext> = async (ctx, next) => {
  const user = tgUser(ctx);
  if (!user) return;
  const { db, config } = ctx.deps;
  const staff = await resolveStaff(db, user, config.GLOBAL_ADMIN_TG_IDS);
  if (staff?.isActive) {
    ctx.staff = staff;
    return next();
  }
  if (ctx.callbackQuery) {
    await ctx.answerCbQuery(staff ? texts.deactivated : texts.notStaff, { show_alert: true });
    return;
  }
  const msg = ctx.message;
  const text = msg && 'text' in msg ? msg.text.trim() : undefined;
  if (text === undefined) {
    if (msg) await ctx.reply(staff ? texts.deactivated : texts.askCode);
    return;
  }
  // Only text shaped like a code is an attempt (counts against the limit); "hello" gets help.
  const start = /^\/start(?:@\w+)?(?:\s+(.*))?$/s.exec(text);
  const code = start ? start[1]?.trim() : text.startsWith('/') ? undefined : text;
  if (code && looksLikeAccessCode(code)) return tryCode(ctx, user, code.trim());
  await ctx.reply(staff ? texts.deactivated : texts.askCode);
};

function tgUser(ctx: AdminContext): TgUser | undefined {
  const from = ctx.from;
  if (!from || from.is_bot) return undefined;
  const fullName = [from.first_name, from.last_name].filter(Boolean).join(' ').slice(0, 160);
  return { id: from.id, username: from.username, fullName };
}

/** Counts a wrong code; true when the user has used up their attempts. */
async function tooManyFailures(ctx: AdminContext, userId: number, failed: boolean): Promise<boolean> {
  const { redis, config } = ctx.deps;
  const key = `${config.REDIS_PREFIX}:admin:code-failures:${userId}`;
  if (!failed) return Number(await redis.get(key)) >= MAX_FAILED_CODES;
  const n = await redis.incr(key);
  if (n === 1) await redis.expire(key, FAILED_CODES_WINDOW_S);
  return n >= MAX_FAILED_CODES;
}

async function tryCode(ctx: AdminContext, user: TgUser, code: string): Promise<void> {
  const { db, logger } = ctx.deps;
  if (await tooManyFailures(ctx, user.id, false)) {
    await ctx.reply(texts.codeTooManyAttempts);
    return;
  }
  const staff = await redeemAccessCode(db, code, user);
  if (!staff) {
    logger.info({ user_id: user.id }, 'access code refused');
    const blocked = await tooManyFailures(ctx, user.id, true);
    await ctx.reply(blocked ? texts.codeTooManyAttempts : texts.codeInvalid);
    return;
  }
  logger.info({ user_id: user.id, staff_id: staff.id, role: staff.role }, 'access code redeemed');
  ctx.staff = staff;
  await ctx.reply(texts.codeAccepted);
  await showMenu(ctx, 'reply');
}
