/** "0:10", "12:05", "1:02:03" from seconds (rounded to the nearest second). */
export function formatClock(seconds: number): string {
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** "820 KB", "12.4 MB", "4 GB". */
export function formatBytes(n: number): string {
  if (n < 1024 * 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(n < 10 * 1024 ** 2 ? 1 : 0)} MB`;
  return `${(n / 1024 ** 3).toFixed(n < 10 * 1024 ** 3 ? 1 : 0).replace(/\.0$/, '')} GB`;
}

/** What each kind of upload is called, and what the file picker offers. */
export const kindText = {
  video: { noun: 'video', file: 'a video file', accept: 'video/*', hint: 'MP4, WebM, MOV or MKV' },
  slides: { noun: 'slides', file: 'a PDF file', accept: 'application/pdf,.pdf', hint: 'PDF' },
  document: {
    noun: 'document',
    file: 'a document',
    accept: '.pdf,.epub,.docx,.odt',
    hint: 'PDF, EPUB, DOCX or ODT',
  },
} as const;
