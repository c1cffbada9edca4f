import type { MasterState } from '@fs/dispatch';
import { inlineKeyboard } from '@fs/telegram';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { cbButton } from '../callbacks';
import { mt } from '../texts';

const { buttons } = mt;

/** The main menu's buttons for an approved master, by shift state. */
export function menuKeyboard(master: Pick<MasterState, 'shift_status'>): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  switch (master.shift_status) {
    case 'off':
      rows.push([cbButton(buttons.shiftOn, 'shiftOn', {})]);
      break;
    case 'on':
      rows.push([cbButton(buttons.breakMenu, 'breakMenu', {})], [cbButton(buttons.shiftOff, 'shiftOff', {})]);
      break;
    case 'break':
      rows.push([cbButton(buttons.breakEnd, 'breakEnd', {})], [cbButton(buttons.shiftOff, 'shiftOff', {})]);
      break;
  }
  rows.push(
    [cbButton(buttons.offers, 'offersList', { page: 0 }), cbButton(buttons.active, 'activeList', {})],
    [
      cbButton(buttons.history, 'historyList', { page: 0 }),
      cbButton(buttons.stats, 'statsView', { period: 'week' }),
    ],
    [cbButton(buttons.finance, 'financeView', {}), cbButton(buttons.requisites, 'requisitesView', {})],
    [cbButton(buttons.referral, 'referralView', {}), cbButton(buttons.knowledge, 'knowledgeView', {})],
    [cbButton(buttons.place, 'placeView', {})],
  );
  return inlineKeyboard(rows);
}

/** The buttons a blocked master still needs: Finance (to pay an overdue commission), requisites, help. */
export function blockedKeyboard(): InlineKeyboardMarkup {
  return inlineKeyboard([
    [cbButton(mt.cabinet.buttons.toFinance, 'financeView', {})],
    [cbButton(mt.cabinet.buttons.requisites, 'requisitesView', {})],
    [cbButton(buttons.knowledge, 'knowledgeView', {})],
  ]);
}

/** 🏠 Меню alone. */
export const menuRow = (): InlineKeyboardButton[] => [cbButton(buttons.menu, 'masterMenu', {})];

/** ◀️ / ▶️ around a page, only where there is somewhere to go (`hasNext` for lists without a total). */
export function pagerRow(
  page: number,
  hasNext: boolean,
  to: (page: number) => InlineKeyboardButton,
): InlineKeyboardButton[][] {
  const row: InlineKeyboardButton[] = [];
  if (page > 0) row.push(to(page - 1));
  if (hasNext) row.push(to(page + 1));
  return row.length > 0 ? [row] : [];
}
