import type { ChatEvent, TgMessage, TgReplyKeyboard } from '@fs/testkit';
import type { BotName } from './people';
import { renderEntities } from './render-html';

/** A message as the web page draws it: formatting already rendered to safe HTML. */
export interface MessageView {
  id: number;
  /** true: the bot wrote it; false: the person did. */
  fromBot: boolean;
  /** Unix seconds. */
  date: number;
  edited: boolean;
  /** Rendered text or caption (may be empty, e.g. a photo without caption). */
  html: string;
  photo?: { url: string; width: number; height: number };
  document?: { url: string; name: string; size: number };
  contact?: { phone: string; name: string };
  /** A sticker is drawn as its emoji. */
  sticker?: { emoji: string };
  /** Inline keyboard rows: callback buttons carry `data`, link buttons `url`. */
  buttons: { text: string; data?: string; url?: string }[][];
}

export interface KeyboardView {
  rows: { text: string; requestContact: boolean }[][];
  placeholder?: string;
}

export type EventView =
  | { type: 'message' | 'edit'; bot: BotName; chatId: number; message: MessageView }
  | { type: 'delete'; bot: BotName; chatId: number; messageId: number }
  | { type: 'keyboard'; bot: BotName; chatId: number; keyboard: KeyboardView | null }
  | { type: 'callback_answer'; bot: BotName; chatId: number; text?: string; showAlert: boolean };

const fileUrl = (bot: BotName, fileId: string) => `/api/file?bot=${bot}&id=${encodeURIComponent(fileId)}`;

export function messageView(bot: BotName, botUserId: number, m: TgMessage): MessageView {
  const html =
    m.text !== undefined
      ? renderEntities(m.text, m.entities)
      : m.caption !== undefined
        ? renderEntities(m.caption, m.caption_entities)
        : '';
  const view: MessageView = {
    id: m.message_id,
    fromBot: m.from?.id === botUserId,
    date: m.date,
    edited: m.edit_date !== undefined,
    html,
    buttons: (m.reply_markup?.inline_keyboard ?? []).map((row) =>
      row.map((b) => ({
        text: b.text,
        ...(b.callback_data !== undefined ? { data: b.callback_data } : {}),
        ...(typeof b.url === 'string' ? { url: b.url } : {}),
      })),
    ),
  };
  const largest = m.photo?.at(-1);
  if (largest)
    view.photo = { url: fileUrl(bot, largest.file_id), width: largest.width, height: largest.height };
  if (m.document) {
    view.document = {
      url: fileUrl(bot, m.document.file_id),
      name: m.document.file_name ?? 'file',
      size: m.document.file_size ?? 0,
    };
  }
  if (m.sticker) view.sticker = { emoji: m.sticker.emoji ?? '🖼' };
  if (m.contact) view.contact = { phone: m.contact.phone_number, name: m.contact.first_name };
  return view;
}

export function keyboardView(k: TgReplyKeyboard | null): KeyboardView | null {
  if (!k) return null;
  return {
    rows: k.keyboard.map((row) =>
      row.map((b) => ({ text: b.text, requestContact: b.request_contact === true })),
    ),
    ...(k.input_field_placeholder ? { placeholder: k.input_field_placeholder } : {}),
  };
}

export function eventView(bot: BotName, botUserId: number, e: ChatEvent): EventView {
  switch (e.type) {
    case 'message':
    case 'edit':
      return { type: e.type, bot, chatId: e.chatId, message: messageView(bot, botUserId, e.message) };
    case 'delete':
      return { type: 'delete', bot, chatId: e.chatId, messageId: e.messageId };
    case 'keyboard':
      return { type: 'keyboard', bot, chatId: e.chatId, keyboard: keyboardView(e.keyboard) };
    case 'callback_answer':
      return {
        type: 'callback_answer',
        bot,
        chatId: e.chatId,
        ...(e.text !== undefined ? { text: e.text } : {}),
        showAlert: e.showAlert,
      };
  }
}
