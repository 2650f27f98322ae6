import { fileTypeFromBuffer } from 'file-type';
import type { AssetKind } from '@lyceum/contracts';

/** How many leading bytes are enough to recognise every accepted type. */
export const SNIFF_BYTES = 4100;

const video = ['video/mp4', 'video/x-m4v', 'video/webm', 'video/quicktime', 'video/x-matroska'];
const pdf = ['application/pdf'];

/** Types accepted per kind, as detected from the bytes. */
export const acceptedTypes: Record<AssetKind, readonly string[]> = {
  video,
  slides: pdf,
  document: [
    ...pdf,
    'application/epub+zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.oasis.opendocument.text',
  ],
  attachment: [
    ...pdf,
    ...video,
    'application/zip',
    'application/epub+zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'application/vnd.oasis.opendocument.text',
    'application/vnd.oasis.opendocument.spreadsheet',
    'application/vnd.oasis.opendocument.presentation',
    'image/png',
    'image/jpeg',
    'image/gif',
    'image/webp',
    'audio/mpeg',
    'audio/mp4',
    'audio/ogg',
  ],
};

/** The type of a file from its first bytes (never its name); null when not recognised. */
export async function detectType(head: Buffer): Promise<{ mime: string; ext: string } | null> {
  const r = await fileTypeFromBuffer(head);
  return r ? { mime: r.mime, ext: r.ext } : null;
}
