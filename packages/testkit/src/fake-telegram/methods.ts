import { type BotState, type ChatState, mimeFor, type Poll, type StoredFile } from './bot-state';
import { ApiError, badRequest, DESCRIPTIONS } from './errors';
import { HtmlParseError, parseHtml, trimFormatted } from './html';
import type {
  Params,
  TgDocument,
  TgInlineKeyboardButton,
  TgInlineKeyboardMarkup,
  TgKeyboardButton,
  TgMessage,
  TgMessageEntity,
  TgPhotoSize,
  TgReplyKeyboard,
  TgUpdate,
  UploadedFile,
} from './types';

export interface MethodContext {
  bot: BotState;
  /** Runs when the client goes away before the answer (an aborted long poll). */
  onClientGone(callback: () => void): void;
}

/** Returns the `result`, or throws an ApiError. */
export type MethodHandler = (params: Params, ctx: MethodContext) => unknown;

/** A result with the `description` Telegram adds to some answers ("Webhook was set"). */
export class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const INLINE_ACTIONS = [
  'callback_data',
  'url',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'callback_game',
  'pay',
  'web_app',
  'copy_text',
];
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

export function int(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

const now = () => Math.floor(Date.now() / 1000);

function chatIdOf(p: Params, bot: BotState): number {
  const raw = p.chat_id;
  if (raw === undefined || raw === null || raw === '') throw badRequest('chat_id is empty');
  const id = int(raw);
  if (id !== undefined && id !== 0) return id;
  if (typeof raw === 'string' && raw.startsWith('@')) {
    for (const [chatId, state] of bot.chats) if (state.chat.username === raw.slice(1)) return chatId;
  }
  throw new ApiError(400, DESCRIPTIONS.chatNotFound);
}

interface Formatted {
  text: string;
  entities?: TgMessageEntity[];
}

/** HTML is parsed into text + entities like Telegram does; Markdown is kept as sent. */
function format(text: unknown, parseMode: unknown, entities: unknown): Formatted {
  let plain = typeof text === 'string' ? text : text == null ? '' : String(text);
  let parsed: TgMessageEntity[] = Array.isArray(entities) ? entities : [];
  const mode = typeof parseMode === 'string' ? parseMode.toLowerCase() : '';
  if (mode === 'html') {
    try {
      ({ text: plain, entities: parsed } = parseHtml(plain));
    } catch (err) {
      if (err instanceof HtmlParseError) throw badRequest(`can't parse entities: ${err.message}`);
      throw err;
    }
  } else if (mode !== '' && mode !== 'markdown' && mode !== 'markdownv2') {
    throw badRequest('unsupported parse_mode');
  }
  ({ text: plain, entities: parsed } = trimFormatted(plain, parsed));
  return parsed.length > 0 ? { text: plain, entities: parsed } : { text: plain };
}

function messageText(p: Params): Formatted {
  const f = format(p.text, p.parse_mode, p.entities);
  if (f.text === '') throw badRequest('message text is empty');
  if (f.text.length > MAX_TEXT) throw badRequest('message is too long');
  return f;
}

function caption(p: Params): Pick<TgMessage, 'caption' | 'caption_entities'> {
  const f = format(p.caption, p.parse_mode, p.caption_entities);
  if (f.text === '') return {};
  if (f.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  return f.entities ? { caption: f.text, caption_entities: f.entities } : { caption: f.text };
}

interface Markup {
  inline?: TgInlineKeyboardMarkup;
  reply?: TgReplyKeyboard;
  removeReply?: boolean;
}

function parseMarkup(raw: unknown): Markup {
  if (raw === undefined || raw === null || raw === '') return {};
  let value = raw;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw badRequest("can't parse reply keyboard markup JSON object");
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badRequest("can't parse reply keyboard markup JSON object");
  }
  const m = value as Record<string, unknown>;
  if ('inline_keyboard' in m) {
    const rows = m.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    }
    const kept: TgInlineKeyboardButton[][] = [];
    for (const row of rows as unknown[][]) {
      for (const button of row) checkInlineButton(button);
      if (row.length > 0) kept.push(row as TgInlineKeyboardButton[]);
    }
    // An empty inline keyboard is no keyboard (that is how bots remove one).
    return kept.length > 0 ? { inline: { inline_keyboard: kept } } : {};
  }
  if ('keyboard' in m) {
    const rows = m.keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw badRequest('field "keyboard" of the ReplyKeyboardMarkup should be an Array of Arrays');
    }
    const keyboard = (rows as unknown[][]).map((row) =>
      row.map((b): TgKeyboardButton => {
        if (typeof b === 'string') return { text: b };
        if (b && typeof b === 'object' && typeof (b as TgKeyboardButton).text === 'string') {
          return b as TgKeyboardButton;
        }
        throw badRequest('can\'t parse keyboard button: Field "text" must be of type String');
      }),
    );
    const { keyboard: _, ...options } = m;
    return { reply: { ...(options as Omit<TgReplyKeyboard, 'keyboard'>), keyboard } };
  }
  if (m.remove_keyboard === true) return { removeReply: true };
  if (m.force_reply === true) return {};
  throw badRequest("can't parse reply keyboard markup JSON object");
}

function checkInlineButton(button: unknown): void {
  if (!button || typeof button !== 'object' || typeof (button as TgInlineKeyboardButton).text !== 'string') {
    throw badRequest('can\'t parse inline keyboard button: Field "text" must be of type String');
  }
  const b = button as TgInlineKeyboardButton;
  if (!INLINE_ACTIONS.some((k) => b[k] !== undefined)) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (b.callback_data !== undefined) {
    const bytes = Buffer.byteLength(String(b.callback_data));
    if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
}

function replyTarget(p: Params, bot: BotState, chatId: number): TgMessage | undefined {
  const rp = typeof p.reply_parameters === 'object' && p.reply_parameters ? p.reply_parameters : undefined;
  const id = int(rp?.message_id) ?? int(p.reply_to_message_id);
  if (id === undefined) return undefined;
  const target = bot.message(chatId, id);
  if (!target && !(rp?.allow_sending_without_reply ?? p.allow_sending_without_reply)) {
    throw badRequest('message to be replied not found');
  }
  if (!target) return undefined;
  const { reply_to_message: _, ...shallow } = target;
  return shallow;
}

/** Validates everything first, then stores: a failed send leaves no trace in the chat. */
function send(p: Params, bot: BotState, chatId: number, content: Partial<TgMessage>): TgMessage {
  const markup = parseMarkup(p.reply_markup);
  const replyTo = replyTarget(p, bot, chatId);
  const message = bot.addMessage(chatId, {
    from: bot.user,
    ...(replyTo ? { reply_to_message: replyTo } : {}),
    ...content,
    ...(markup.inline ? { reply_markup: markup.inline } : {}),
  });
  applyReplyKeyboard(bot, chatId, markup);
  return message;
}

function applyReplyKeyboard(bot: BotState, chatId: number, markup: Markup): void {
  if (markup.reply) bot.setReplyKeyboard(chatId, markup.reply);
  else if (markup.removeReply) bot.setReplyKeyboard(chatId, null);
}

function isUpload(v: unknown): v is UploadedFile {
  return typeof v === 'object' && v !== null && (v as UploadedFile).upload === true;
}

const isUrl = (s: string) => /^https?:\/\//i.test(s);

function storedFile(bot: BotState, fileId: string, kind: StoredFile['kind']): StoredFile {
  const file = bot.files.get(fileId);
  if (!file) throw new ApiError(400, DESCRIPTIONS.wrongFileId);
  if (file.kind !== kind) {
    const name = (k: string) => k[0]!.toUpperCase() + k.slice(1);
    throw badRequest(`can't use file of type ${name(file.kind)} as ${name(kind)}`);
  }
  return file;
}

function inputPhoto(value: unknown, bot: BotState): TgPhotoSize[] {
  if (isUpload(value)) return bot.registerPhoto(value.bytes);
  if (typeof value !== 'string' || value === '') throw badRequest('there is no photo in the request');
  // A URL would be downloaded by Telegram; the fake stores an empty picture.
  if (isUrl(value)) return bot.registerPhoto(Buffer.alloc(0));
  return storedFile(bot, value, 'photo').sizes!;
}

function inputDocument(value: unknown, bot: BotState): TgDocument {
  let file: StoredFile;
  if (isUpload(value)) {
    file = bot.registerFile('document', value.bytes, {
      file_name: value.filename,
      mime_type: mimeFor(value.filename, value.mimetype),
    });
  } else if (typeof value === 'string' && isUrl(value)) {
    const fileName = decodeURIComponent(new URL(value).pathname.split('/').pop() || 'file');
    file = bot.registerFile('document', Buffer.alloc(0), {
      file_name: fileName,
      mime_type: mimeFor(fileName),
    });
  } else if (typeof value === 'string' && value !== '') {
    file = storedFile(bot, value, 'document');
  } else {
    throw badRequest('there is no document in the request');
  }
  const doc: TgDocument = {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.bytes.length,
  };
  if (file.file_name) doc.file_name = file.file_name;
  if (file.mime_type) doc.mime_type = file.mime_type;
  return doc;
}

/** The bot's own message in the chat, or the errors Telegram gives for an edit. */
function editable(p: Params, bot: BotState): { state: ChatState; target: TgMessage } {
  // Inline-mode messages are not modelled.
  if (p.inline_message_id !== undefined) throw badRequest('MESSAGE_ID_INVALID');
  const chatId = chatIdOf(p, bot);
  const id = int(p.message_id);
  if (id === undefined) throw badRequest('message identifier is not specified');
  const state = bot.chats.get(chatId);
  const target = state?.messages.get(id);
  if (!state || !target) throw new ApiError(400, DESCRIPTIONS.editNotFound);
  if (target.from?.id !== bot.user.id) throw badRequest("message can't be edited");
  return { state, target };
}

/** Applies an edit unless nothing changes. Omitting reply_markup removes the inline keyboard, as in Telegram. */
function commitEdit(
  p: Params,
  bot: BotState,
  state: ChatState,
  target: TgMessage,
  changes: Partial<TgMessage>,
): TgMessage {
  const markup = parseMarkup(p.reply_markup).inline;
  const { reply_markup: _m, edit_date: _d, ...base } = target;
  const next: TgMessage = {
    ...base,
    edit_date: now(),
    ...changes,
    ...(markup ? { reply_markup: markup } : {}),
  };
  for (const key of ['entities', 'caption_entities', 'caption'] as const) {
    if (key in changes && changes[key] === undefined) delete next[key];
  }
  const same =
    next.text === target.text &&
    next.caption === target.caption &&
    JSON.stringify(next.entities ?? next.caption_entities ?? []) ===
      JSON.stringify(target.entities ?? target.caption_entities ?? []) &&
    JSON.stringify(next.reply_markup ?? null) === JSON.stringify(target.reply_markup ?? null);
  if (same) throw new ApiError(400, DESCRIPTIONS.notModified);
  bot.replaceMessage(state, next);
  return next;
}

function allowedList(v: unknown): string[] | null {
  return Array.isArray(v) && v.length > 0 ? v.map(String) : null;
}

function commandsKey(p: Params): string {
  return `${JSON.stringify(p.scope ?? { type: 'default' })}|${p.language_code ?? ''}`;
}

const METHODS: Record<string, MethodHandler> = {
  getMe: (_p, { bot }) => ({
    ...bot.user,
    can_join_groups: true,
    can_read_all_group_messages: false,
    supports_inline_queries: false,
  }),

  sendMessage: (p, { bot }) => {
    const chatId = chatIdOf(p, bot);
    const f = messageText(p);
    return send(p, bot, chatId, f.entities ? { text: f.text, entities: f.entities } : { text: f.text });
  },

  sendPhoto: (p, { bot }) => {
    const chatId = chatIdOf(p, bot);
    const photo = inputPhoto(p.photo, bot);
    return send(p, bot, chatId, { photo, ...caption(p) });
  },

  sendDocument: (p, { bot }) => {
    const chatId = chatIdOf(p, bot);
    const document = inputDocument(p.document, bot);
    return send(p, bot, chatId, { document, ...caption(p) });
  },

  editMessageText: (p, { bot }) => {
    const { state, target } = editable(p, bot);
    if (target.text === undefined) throw badRequest('there is no text in the message to edit');
    const f = messageText(p);
    return commitEdit(p, bot, state, target, { text: f.text, entities: f.entities });
  },

  editMessageCaption: (p, { bot }) => {
    const { state, target } = editable(p, bot);
    if (target.text !== undefined) throw badRequest('there is no caption in the message to edit');
    const c = caption(p);
    return commitEdit(p, bot, state, target, { caption: c.caption, caption_entities: c.caption_entities });
  },

  editMessageReplyMarkup: (p, { bot }) => {
    const { state, target } = editable(p, bot);
    return commitEdit(p, bot, state, target, {});
  },

  deleteMessage: (p, { bot }) => {
    const chatId = chatIdOf(p, bot);
    const id = int(p.message_id);
    if (id === undefined || !bot.deleteMessage(chatId, id)) {
      throw new ApiError(400, DESCRIPTIONS.deleteNotFound);
    }
    return true;
  },

  answerCallbackQuery: (p, { bot }) => {
    const id = String(p.callback_query_id ?? '');
    if (id === '') throw badRequest('QUERY_ID_INVALID');
    // Queries this fake issued can be answered once; ids from hand-built updates are accepted.
    if (bot.callbackQueries.get(id) === true) throw new ApiError(400, DESCRIPTIONS.queryTooOld);
    if (bot.callbackQueries.has(id)) {
      bot.callbackQueries.set(id, true);
      const chatId = bot.callbackQueryChats.get(id);
      if (chatId !== undefined) {
        const text = typeof p.text === 'string' && p.text !== '' ? p.text : undefined;
        bot.onChange?.({
          type: 'callback_answer',
          chatId,
          callbackQueryId: id,
          ...(text !== undefined ? { text } : {}),
          showAlert: p.show_alert === true,
        });
      }
    }
    return true;
  },

  sendChatAction: (p, { bot }) => {
    chatIdOf(p, bot);
    if (!CHAT_ACTIONS.has(String(p.action))) throw badRequest('wrong parameter action in request');
    return true;
  },

  getFile: (p, { bot }) => {
    const file = bot.files.get(String(p.file_id ?? ''));
    if (!file) throw badRequest('invalid file_id');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.length,
      file_path: file.file_path,
    };
  },

  getChat: (p, { bot }) => bot.chatState(chatIdOf(p, bot)).chat,

  setMyCommands: (p, { bot }) => {
    const commands: unknown = p.commands;
    if (!Array.isArray(commands)) throw badRequest('parameter "commands" is required');
    for (const c of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(String(c?.command))) throw badRequest('BOT_COMMAND_INVALID');
      if (typeof c.description !== 'string' || c.description.length === 0 || c.description.length > 256) {
        throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      }
    }
    bot.commands.set(commandsKey(p), commands);
    return true;
  },

  getMyCommands: (p, { bot }) => bot.commands.get(commandsKey(p)) ?? [],

  deleteMyCommands: (p, { bot }) => {
    bot.commands.delete(commandsKey(p));
    return true;
  },

  setMyDescription: () => true,
  setMyShortDescription: () => true,
  setMyName: () => true,
  setChatMenuButton: () => true,
  pinChatMessage: () => true,
  unpinChatMessage: () => true,

  setWebhook: (p, { bot }) => {
    const url = String(p.url ?? '');
    if (url === '') return METHODS.deleteWebhook!(p, { bot, onClientGone: () => {} });
    // Telegram requires HTTPS; the fake takes http too so tests can point it at 127.0.0.1.
    if (!/^https?:\/\/[^/]/i.test(url))
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    const secret = p.secret_token === undefined ? undefined : String(p.secret_token);
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest('secret token contains unallowed characters');
    }
    if (p.drop_pending_updates === true) bot.pending.length = 0;
    if (p.allowed_updates !== undefined) bot.allowedUpdates = allowedList(p.allowed_updates);
    const unchanged = bot.webhook?.url === url && bot.webhook.secretToken === secret;
    bot.webhook = { url, maxConnections: int(p.max_connections) ?? 40 };
    if (secret !== undefined) bot.webhook.secretToken = secret;
    bot.poll?.finish(new ApiError(409, 'Conflict: terminated by setWebhook request'));
    return new Described(true, unchanged ? 'Webhook is already set' : 'Webhook was set');
  },

  deleteWebhook: (p, { bot }) => {
    const had = bot.webhook !== null;
    bot.webhook = null;
    if (p.drop_pending_updates === true) bot.pending.length = 0;
    return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  },

  getWebhookInfo: (_p, { bot }) => {
    const hook = bot.webhook;
    const info: Params = {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: bot.pending.length,
    };
    if (hook) {
      info.max_connections = hook.maxConnections;
      if (hook.lastErrorDate !== undefined) {
        info.last_error_date = hook.lastErrorDate;
        info.last_error_message = hook.lastErrorMessage;
      }
      if (bot.allowedUpdates) info.allowed_updates = bot.allowedUpdates;
    }
    return info;
  },

  getUpdates: (p, { bot, onClientGone }) => {
    if (bot.webhook) throw new ApiError(409, DESCRIPTIONS.conflictWebhook);
    const limit = Math.min(100, Math.max(1, int(p.limit) ?? 100));
    const timeoutS = Math.max(0, Number(p.timeout ?? 0) || 0);
    if (p.allowed_updates !== undefined) bot.allowedUpdates = allowedList(p.allowed_updates);
    bot.poll?.finish(new ApiError(409, DESCRIPTIONS.conflictPolling));
    bot.confirm(int(p.offset) ?? 0);
    if (bot.pending.length > 0 || timeoutS === 0) return bot.pending.slice(0, limit);
    return new Promise<TgUpdate[]>((resolve, reject) => {
      const poll: Poll = {
        finish(outcome) {
          if (bot.poll !== poll) return;
          bot.poll = null;
          clearTimeout(timer);
          if (outcome instanceof ApiError) reject(outcome);
          else resolve(outcome);
        },
        wake: () => poll.finish(bot.pending.slice(0, limit)),
      };
      const timer = setTimeout(poll.wake, timeoutS * 1000);
      bot.poll = poll;
      onClientGone(() => poll.finish([]));
    });
  },
};

export const METHOD_INDEX = new Map<string, { name: string; handler: MethodHandler }>(
  Object.entries(METHODS).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);

/** Methods Telegram meters as outgoing messages (used by the rate-limit mode). */
export function isSendMethod(method: string): boolean {
  return (
    (method.startsWith('send') && method !== 'sendChatAction') ||
    method.startsWith('copyMessage') ||
    method.startsWith('forwardMessage')
  );
}
