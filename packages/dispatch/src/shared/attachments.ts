import type { AttachmentEntity, AttachmentFileType } from '@fs/domain';

/** A file as Telegram gave it (photo or document), stored as an `attachments` row. */
export interface ActFile {
  fileType: Extract<AttachmentFileType, 'photo' | 'document'>;
  fileId: string;
  fileUniqueId?: string | null;
  fileName?: string | null;
  mimeType?: string | null;
  size?: number | null;
}

/** What a file is attached to and who uploaded it. */
export interface AttachmentOwner {
  entityType: AttachmentEntity;
  entityId: number;
  documentKind?: string | null;
  masterId?: number | null;
  staffId?: number | null;
}

/** The `attachments` row of one file: the one mapping every use case inserts with. */
export function attachmentRow(f: ActFile, owner: AttachmentOwner) {
  return {
    entity_type: owner.entityType,
    entity_id: owner.entityId,
    file_type: f.fileType,
    file_id: f.fileId,
    file_unique_id: f.fileUniqueId ?? null,
    file_name: f.fileName ?? null,
    mime_type: f.mimeType ?? null,
    size: f.size ?? null,
    document_kind: owner.documentKind ?? null,
    uploaded_by_master_id: owner.masterId ?? null,
    uploaded_by_staff_id: owner.staffId ?? null,
  };
}
