import type { MessageKey } from '../../i18n/catalogues.ts';

/** What the file picker offers for each kind of upload, and how the formats are named. */
export const kindText = {
  video: { accept: 'video/*', formats: 'teach.formats.video' },
  slides: { accept: 'application/pdf,.pdf', formats: 'teach.formats.slides' },
  document: { accept: '.pdf,.epub,.docx,.odt', formats: 'teach.formats.document' },
} as const satisfies Record<string, { accept: string; formats: MessageKey }>;
