/**
 * The Bot API shapes the fake produces and consumes. Structural subsets of the real types
 * (fields the fake never fills are absent); an update built here can be passed to
 * `bot.handleUpdate(update as unknown as Update)` when a test bypasses the HTTP transport.
 */

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface TgChat {
  id: number;
  type: 'private' | 'group' | 'supergroup' | 'channel';
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface TgMessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  user?: TgUser;
  custom_emoji_id?: string;
}

export interface TgInlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [field: string]: unknown;
}

export interface TgInlineKeyboardMarkup {
  inline_keyboard: TgInlineKeyboardButton[][];
}

export interface TgKeyboardButton {
  text: string;
  request_contact?: boolean;
  request_location?: boolean;
  [field: string]: unknown;
}

/** A reply keyboard as the user's client shows it (strings are normalised to `{ text }`). */
export interface TgReplyKeyboard {
  keyboard: TgKeyboardButton[][];
  one_time_keyboard?: boolean;
  resize_keyboard?: boolean;
  is_persistent?: boolean;
  input_field_placeholder?: string;
}

export interface TgPhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

export interface TgSticker {
  file_id: string;
  file_unique_id: string;
  type: 'regular';
  width: number;
  height: number;
  is_animated: boolean;
  is_video: boolean;
  emoji?: string;
  set_name?: string;
  file_size?: number;
}

export interface TgContact {
  phone_number: string;
  first_name: string;
  last_name?: string;
  user_id?: number;
}

/** Bot API Location; `live_period` only while a live location is active. */
export interface TgLocation {
  latitude: number;
  longitude: number;
  horizontal_accuracy?: number;
  live_period?: number;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: TgMessageEntity[];
  caption?: string;
  caption_entities?: TgMessageEntity[];
  photo?: TgPhotoSize[];
  document?: TgDocument;
  sticker?: TgSticker;
  contact?: TgContact;
  location?: TgLocation;
  /** Only inline keyboards are part of a Message (reply keyboards are chat state: see `replyKeyboard`). */
  reply_markup?: TgInlineKeyboardMarkup;
  reply_to_message?: TgMessage;
}

export interface TgCallbackQuery {
  id: string;
  from: TgUser;
  message?: TgMessage;
  chat_instance: string;
  data?: string;
}

export interface TgUpdate {
  update_id: number;
  message?: TgMessage;
  edited_message?: TgMessage;
  callback_query?: TgCallbackQuery;
  [type: string]: unknown;
}

export interface TgFile {
  file_id: string;
  file_unique_id: string;
  file_size?: number;
  file_path?: string;
}

export type ApiResponse =
  | { ok: true; result: unknown; description?: string }
  | { ok: false; error_code: number; description: string; parameters?: { retry_after?: number } };

/** A file part of a multipart request, as it appears in `FakeCall.params`. */
export interface UploadedFile {
  upload: true;
  filename: string;
  mimetype: string;
  bytes: Buffer;
}

// biome-ignore lint/suspicious/noExplicitAny: Bot API parameters are free-form JSON; tests read them directly.
export type Params = Record<string, any>;

export interface FakeCall {
  token: string;
  /** Canonical method name (Bot API method names are case-insensitive). */
  method: string;
  /** The request parameters: JSON body, or form/query/multipart fields with JSON fields, integers and booleans decoded. */
  params: Params;
  /** Date.now() when the request arrived. */
  at: number;
  /** The body Telegram answered with; null when the connection was dropped or left hanging. */
  response: ApiResponse | null;
}

export type ScriptedError =
  | { kind: 'rate_limit'; retryAfter: number }
  | { kind: 'blocked' }
  | { kind: 'chat_not_found' }
  | { kind: 'deactivated' }
  | { kind: 'cant_initiate' }
  | { kind: 'server_error'; code?: 500 | 502 }
  | { kind: 'bad_request'; description: string }
  /** The connection is reset without an answer (a network error in the client). */
  | { kind: 'network' }
  /** No answer until the fake stops (for client timeout tests). */
  | { kind: 'hang' };

export interface FailRule {
  /** One method or several; omitted: any call that carries a `chat_id`. */
  method?: string | string[];
  chatId?: number | string;
  token?: string;
  /** How many matching calls fail (default 1; Infinity for a permanent condition). */
  times?: number;
  error: ScriptedError;
}

export interface RateLimit {
  /** Accepted calls per token per second over any longer stretch (the bucket's refill). */
  perSecond: number;
  /** Calls the bucket lets through at once after a pause (default: `perSecond`). */
  burst?: number;
  /** Seconds announced in `parameters.retry_after` (default 1). */
  retryAfter?: number;
  /** Optional per-chat rate: a bucket of its own holding one second of it (Telegram tolerates ~1/s per chat). */
  perChatPerSecond?: number;
  /** Methods that are metered (default: every send*, copy* and forward* method except sendChatAction). */
  methods?: string[];
}

export interface BotIdentity {
  id: number;
  username: string;
  first_name: string;
}

export interface TestUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export interface PushResult {
  update: TgUpdate;
  /** `webhook`: POSTed to the bot; `queue`: waiting for getUpdates; `filtered`: not in allowed_updates. */
  via: 'webhook' | 'queue' | 'filtered';
  /** HTTP status the webhook answered with (webhook delivery only). */
  status?: number;
}

/**
 * A change to a chat as the user's client would see it (see `FakeTelegram.onChatEvent`):
 * a new message from either side, an edit, a deletion, a new reply keyboard, or the bot's
 * answer to a button the user pressed in that chat.
 */
export type ChatEvent =
  | { type: 'message'; token: string; chatId: number; message: TgMessage }
  | { type: 'edit'; token: string; chatId: number; message: TgMessage }
  | { type: 'delete'; token: string; chatId: number; messageId: number }
  | { type: 'keyboard'; token: string; chatId: number; keyboard: TgReplyKeyboard | null }
  | {
      type: 'callback_answer';
      token: string;
      chatId: number;
      callbackQueryId: string;
      text?: string;
      showAlert: boolean;
    };

/** A ChatEvent before the fake adds the bot's token. */
export type ChatChange = ChatEvent extends infer E ? (E extends unknown ? Omit<E, 'token'> : never) : never;
