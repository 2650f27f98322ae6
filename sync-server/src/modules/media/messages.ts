import path from 'node:path';

/**
 * A message for people without this server's file layout in it: every absolute path (`/tmp/lyceum-media-x/source`,
 * `/srv/data/content/assets/…/original.mp4`, `C:\…`) becomes its last part in quotes, so a failed packaging says
 * `"original.mp4": Invalid data found…` and not where the server keeps its files.
 */
export function redactPaths(message: string): string {
  return message
    .replace(
      /(?<![\w.~-])(?:file:)?(?:\/[^\s/:'"`,;()]+)+\/?/g,
      (p) => `"${path.posix.basename(p.replace(/^file:/, ''))}"`,
    )
    .replace(/\b[A-Za-z]:\\(?:[^\s\\:'"`,;()]+\\)*[^\s\\:'"`,;()]*/g, (p) => `"${path.win32.basename(p)}"`)
    .replace(/""+/g, '"');
}
