import { createHash, randomBytes } from 'node:crypto';
import type { ApiError } from './errors';
import type { ChatChange, TgChat, TgMessage, TgPhotoSize, TgReplyKeyboard, TgUpdate, TgUser } from './types';

export interface ChatState {
  chat: TgChat;
  nextMessageId: number;
  /** Current state of every message, in send order; edits replace the entry, deletes remove it. */
  messages: Map<number, TgMessage>;
  /** The reply keyboard the user's client shows now (set by the last message that carried one). */
  replyKeyboard: TgReplyKeyboard | null;
}

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  file_path: string;
  kind: 'photo' | 'document' | 'sticker';
  bytes: Buffer;
  file_name?: string;
  mime_type?: string;
  /** Photos: every size of the same picture (each size is a file of its own). */
  sizes?: TgPhotoSize[];
}

/** How Telegram's file ids and paths look per kind (a document keeps its own extension). */
const FILE_KINDS: Record<StoredFile['kind'], { prefix: string; dir: string; ext?: string }> = {
  photo: { prefix: 'AgAC', dir: 'photos', ext: 'jpg' },
  document: { prefix: 'BQAC', dir: 'documents' },
  sticker: { prefix: 'CAAC', dir: 'stickers', ext: 'webp' },
};

export interface Webhook {
  url: string;
  secretToken?: string;
  maxConnections: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

/** The single long-poll a bot may have open (a newer getUpdates terminates the older one). */
export interface Poll {
  /** Answers the poll with updates, or fails it (409 when another request terminates it). */
  finish(outcome: TgUpdate[] | ApiError): void;
  /** New updates arrived (or the timeout passed): answer with what is pending. */
  wake(): void;
}

/** Update types Telegram leaves out when allowed_updates is empty or was never set. */
const OPT_IN_UPDATES = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const MIME_BY_EXT: Record<string, string> = {
  pdf: 'application/pdf',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xls: 'application/vnd.ms-excel',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export function mimeFor(fileName: string, fallback = 'application/octet-stream'): string {
  const ext = fileName.slice(fileName.lastIndexOf('.') + 1).toLowerCase();
  return MIME_BY_EXT[ext] ?? fallback;
}

let fileSeq = 0;

export class BotState {
  user: TgUser;
  webhook: Webhook | null = null;
  /** null: Telegram's default set (everything but the opt-in types). */
  allowedUpdates: string[] | null = null;
  readonly pending: TgUpdate[] = [];
  nextUpdateId = 100_000_000 + Math.floor(Math.random() * 1_000_000);
  poll: Poll | null = null;
  readonly chats = new Map<number, ChatState>();
  readonly files = new Map<string, StoredFile>();
  readonly filesByPath = new Map<string, StoredFile>();
  /** Callback queries this fake issued; true once answered. */
  readonly callbackQueries = new Map<string, boolean>();
  /** The chat each issued callback query was pressed in. */
  readonly callbackQueryChats = new Map<string, number>();
  /** Told about every change to a chat (set by FakeTelegram). */
  onChange: ((change: ChatChange) => void) | null = null;
  readonly commands = new Map<string, unknown[]>();

  constructor(
    user: TgUser,
    private readonly lookupUser: (id: number) => TgUser | undefined,
  ) {
    this.user = user;
  }

  chatState(chatId: number): ChatState {
    let state = this.chats.get(chatId);
    if (!state) {
      state = { chat: this.describeChat(chatId), nextMessageId: 1, messages: new Map(), replyKeyboard: null };
      this.chats.set(chatId, state);
    }
    return state;
  }

  /** Private chats carry the user's names (refreshed when the user writes again). */
  describeChat(chatId: number): TgChat {
    if (chatId < 0) {
      return {
        id: chatId,
        type: chatId < -1_000_000_000_000 ? 'supergroup' : 'group',
        title: `Group ${-chatId}`,
      };
    }
    const user = this.lookupUser(chatId);
    const chat: TgChat = { id: chatId, type: 'private', first_name: user?.first_name ?? `User ${chatId}` };
    if (user?.last_name) chat.last_name = user.last_name;
    if (user?.username) chat.username = user.username;
    return chat;
  }

  /** Appends a message with the chat's next message_id. */
  addMessage(chatId: number, content: Omit<TgMessage, 'message_id' | 'chat' | 'date'>): TgMessage {
    const state = this.chatState(chatId);
    const { from, ...rest } = content;
    const message: TgMessage = {
      message_id: state.nextMessageId++,
      ...(from ? { from } : {}),
      chat: state.chat,
      date: Math.floor(Date.now() / 1000),
      ...rest,
    };
    state.messages.set(message.message_id, message);
    this.onChange?.({ type: 'message', chatId, message });
    return message;
  }

  /** Stores an edited message in place of the old one. */
  replaceMessage(state: ChatState, message: TgMessage): void {
    state.messages.set(message.message_id, message);
    this.onChange?.({ type: 'edit', chatId: state.chat.id, message });
  }

  /** Removes a message; false when the chat has no such message. */
  deleteMessage(chatId: number, messageId: number): boolean {
    if (!this.chats.get(chatId)?.messages.delete(messageId)) return false;
    this.onChange?.({ type: 'delete', chatId, messageId });
    return true;
  }

  setReplyKeyboard(chatId: number, keyboard: TgReplyKeyboard | null): void {
    this.chatState(chatId).replyKeyboard = keyboard;
    this.onChange?.({ type: 'keyboard', chatId, keyboard });
  }

  message(chatId: number, messageId: number): TgMessage | undefined {
    return this.chats.get(chatId)?.messages.get(messageId);
  }

  registerFile(
    kind: StoredFile['kind'],
    bytes: Buffer,
    meta: { file_name?: string; mime_type?: string } = {},
  ): StoredFile {
    const seq = ++fileSeq;
    const uniqueBase = createHash('sha1').update(bytes).digest('base64url').slice(0, 12);
    const { prefix, dir, ext } = FILE_KINDS[kind];
    const file: StoredFile = {
      file_id: `${prefix}${this.user.id.toString(36)}_${seq}_${randomBytes(9).toString('base64url')}`,
      file_unique_id: `AQAD${uniqueBase}`,
      file_path: `${dir}/file_${seq}.${ext ?? meta.file_name?.split('.').pop() ?? 'dat'}`,
      kind,
      bytes,
      ...meta,
    };
    this.files.set(file.file_id, file);
    this.filesByPath.set(file.file_path, file);
    return file;
  }

  /** A photo is stored as a thumbnail and a full size, like Telegram's `photo: PhotoSize[]`. */
  registerPhoto(bytes: Buffer, size: { width?: number; height?: number } = {}): TgPhotoSize[] {
    const width = size.width ?? 1280;
    const height = size.height ?? 960;
    const scale = 90 / Math.max(width, height);
    const thumb = this.registerFile('photo', bytes);
    const full = this.registerFile('photo', bytes);
    thumb.file_unique_id += 'x';
    const sizes: TgPhotoSize[] = [
      {
        file_id: thumb.file_id,
        file_unique_id: thumb.file_unique_id,
        file_size: bytes.length,
        width: Math.max(1, Math.round(width * scale)),
        height: Math.max(1, Math.round(height * scale)),
      },
      { file_id: full.file_id, file_unique_id: full.file_unique_id, file_size: bytes.length, width, height },
    ];
    thumb.sizes = sizes;
    full.sizes = sizes;
    return sizes;
  }

  allows(update: TgUpdate): boolean {
    const type = Object.keys(update).find((k) => k !== 'update_id');
    if (type === undefined) return false;
    return this.allowedUpdates ? this.allowedUpdates.includes(type) : !OPT_IN_UPDATES.has(type);
  }

  enqueue(update: TgUpdate): void {
    this.pending.push(update);
    this.poll?.wake();
  }

  /** getUpdates' offset confirms every update below it; a negative one keeps only the last -offset. */
  confirm(offset: number): void {
    if (offset < 0) {
      this.pending.splice(0, Math.max(0, this.pending.length + offset));
      return;
    }
    let drop = 0;
    while (drop < this.pending.length && this.pending[drop]!.update_id < offset) drop++;
    if (drop > 0) this.pending.splice(0, drop);
  }
}
