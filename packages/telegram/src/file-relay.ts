/**
 * Telegram file ids belong to the bot that received the file: a photo a master sent to the
 * master bot cannot be sent by the admin bot by its id. The admin bot downloads such a file
 * with the master bot's token (getFile + the file URL) and uploads the bytes itself.
 */
export interface BotFile {
  bytes: Buffer;
  /** The last part of Telegram's file path, e.g. `file_12.jpg`. */
  fileName: string;
}

/** Bot API downloads are capped at 20 MB; larger files cannot be relayed. */
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export async function downloadBotFile(opts: {
  apiRoot: string;
  token: string;
  fileId: string;
  timeoutMs?: number;
}): Promise<BotFile> {
  const root = opts.apiRoot.replace(/\/+$/, '');
  const signal = AbortSignal.timeout(opts.timeoutMs ?? 20_000);
  const res = await fetch(`${root}/bot${opts.token}/getFile`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ file_id: opts.fileId }),
    signal,
  });
  const body = (await res.json()) as { ok: boolean; result?: { file_path?: string; file_size?: number } };
  const path = body.ok ? body.result?.file_path : undefined;
  if (!path) throw new Error(`getFile refused the file (HTTP ${res.status})`);
  if ((body.result?.file_size ?? 0) > MAX_DOWNLOAD_BYTES) throw new Error('file is larger than 20 MB');
  const file = await fetch(`${root}/file/bot${opts.token}/${path}`, { signal });
  if (!file.ok) throw new Error(`file download failed (HTTP ${file.status})`);
  return { bytes: Buffer.from(await file.arrayBuffer()), fileName: path.split('/').pop() || 'file' };
}
