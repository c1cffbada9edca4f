import { downloadBotFile } from '@fs/telegram';
import { TelegramError } from 'telegraf';
import type { AdminBotDeps, AdminContext } from './context';

/** A stored Telegram file (row of `attachments`). */
export interface StoredFile {
  file_type: string;
  file_id: string;
  file_name?: string | null;
  /** Set when a master sent it to the master bot: its file id is the master bot's. */
  uploaded_by_master_id?: number | null;
}

/**
 * Sends stored files one by one. Files staff sent to this bot go by file id; files masters
 * sent to the master bot are downloaded with the master bot's token and uploaded (file ids
 * are per bot). A file Telegram refuses, or that cannot be fetched, is counted; the rest
 * still go out.
 */
export async function sendStoredFiles(
  ctx: AdminContext,
  deps: Pick<AdminBotDeps, 'masterFiles' | 'logger'>,
  files: readonly StoredFile[],
  caption: (index: number) => string,
): Promise<{ sent: number; failed: number }> {
  let sent = 0;
  let failed = 0;
  for (const [i, f] of files.entries()) {
    try {
      const input =
        f.uploaded_by_master_id != null && deps.masterFiles ? await relayed(deps.masterFiles, f) : f.file_id;
      if (f.file_type === 'photo') await ctx.replyWithPhoto(input, { caption: caption(i) });
      else await ctx.replyWithDocument(input, { caption: caption(i) });
      sent++;
    } catch (err) {
      if (err instanceof TelegramError && err.code !== 400) throw err;
      deps.logger.warn({ file_id: f.file_id, err: String(err) }, 'stored file could not be sent');
      failed++;
    }
  }
  return { sent, failed };
}

async function relayed(source: { apiRoot: string; token: string }, f: StoredFile) {
  const file = await downloadBotFile({ apiRoot: source.apiRoot, token: source.token, fileId: f.file_id });
  return { source: file.bytes, filename: f.file_name || file.fileName };
}
