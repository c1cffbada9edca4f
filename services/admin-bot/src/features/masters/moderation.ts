import { approveMaster } from '@fs/dispatch';
import { inlineKeyboard } from '@fs/telegram';
import type { Telegraf } from 'telegraf';
import type { InlineKeyboardButton } from 'telegraf/types';
import { cbButton } from '../callbacks';
import type { AdminBotDeps, AdminContext } from '../context';
import { listPendingMasters } from '../master-queries';
import type { StaffMember } from '../staff';
import { showMasterCard } from './masters-card';
import { actorOf, answerRefusal, pagerRow, T } from './masters-common';
import { menuRow, staffAction } from './menu';
import { show } from './ops-common';

/**
 * The moderation queue: pending masters of the staff member's cities, oldest first; the card
 * shows the profile, the documents button, ✅ Одобрить and ❌ Отклонить (reason wizard in
 * masters-edit).
 */

async function showQueue(ctx: AdminContext, deps: AdminBotDeps, staff: StaffMember, page: number) {
  const list = await listPendingMasters(deps.db, staff, page);
  const rows: InlineKeyboardButton[][] = list.rows.map((r) => [
    cbButton(T.buttons.open(r.id, r.full_name || '—'), 'adminMasterOpen', { masterId: r.id }),
  ]);
  const pager = pagerRow(list.page, list.pages, 'moderationList', (p) => ({ page: p }));
  if (pager.length > 0) rows.push(pager);
  rows.push(menuRow());
  const text =
    list.total === 0
      ? T.moderationEmpty
      : `${T.moderationTitle(list.total, list.page, list.pages)}\n\n${list.rows.map(T.listRow).join('\n')}`;
  await show(ctx, text, inlineKeyboard(rows));
}

export function moderationFeature(bot: Telegraf<AdminContext>, deps: AdminBotDeps): void {
  bot.use(
    staffAction('moderationMenu', 'moderation', async (ctx, _args, staff) => {
      await ctx.answerCbQuery();
      await showQueue(ctx, deps, staff, 0);
    }),
  );
  bot.use(
    staffAction('moderationList', 'moderation', async (ctx, { page }, staff) => {
      await ctx.answerCbQuery();
      await showQueue(ctx, deps, staff, page);
    }),
  );
  bot.use(
    staffAction('masterApprove', 'moderation', async (ctx, { masterId }, staff) => {
      const r = await approveMaster(deps.dispatch, actorOf(staff), masterId);
      if (r.kind !== 'ok') return answerRefusal(ctx, r.kind, T.notPending);
      await showMasterCard(ctx, deps, staff, masterId, T.approved);
    }),
  );
}
