import type { Message } from 'telegraf/types';
import { z } from 'zod';

/** A photo or a file a person sent, as the bots store it (table `attachments`). */
export interface MessageFile {
  fileType: 'photo' | 'document';
  fileId: string;
  fileUniqueId: string;
  fileName?: string | null;
  mimeType?: string | null;
  size: number | null;
}

/** The photo (its largest size) or the document of a message; null for anything else. */
export function fileOfMessage(msg: Message): MessageFile | null {
  if ('photo' in msg && msg.photo.length > 0) {
    const best = msg.photo[msg.photo.length - 1]!;
    return {
      fileType: 'photo',
      fileId: best.file_id,
      fileUniqueId: best.file_unique_id,
      size: best.file_size ?? null,
    };
  }
  if ('document' in msg) {
    const d = msg.document;
    return {
      fileType: 'document',
      fileId: d.file_id,
      fileUniqueId: d.file_unique_id,
      fileName: d.file_name ?? null,
      mimeType: d.mime_type ?? null,
      size: d.file_size ?? null,
    };
  }
  return null;
}

/** A stored MessageFile read back from the session (wizard state is checked against its schema). */
export const messageFileSchema = z.object({
  fileType: z.enum(['photo', 'document']),
  fileId: z.string(),
  fileUniqueId: z.string().nullish(),
  fileName: z.string().nullish(),
  mimeType: z.string().nullish(),
  size: z.number().nullish(),
});
