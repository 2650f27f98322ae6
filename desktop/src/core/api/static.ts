import fs from 'node:fs';
import path from 'node:path';
import type { ServerResponse } from 'node:http';

/** The renderer's policy: its own scripts and styles only, no inline code, no framing, API calls to this origin only. */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "font-src 'self'",
  // Video: hls.js feeds the <video> through Media Source Extensions (a blob: URL); segments come from this origin.
  "media-src 'self' blob:",
  // The pdf.js worker is a bundled script of this origin (hls.js runs without a worker).
  "worker-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serve the built renderer: files under `dir` (never outside it), and index.html for app routes (paths without an
 * extension) so deep links and reloads work. Hashed assets are cached for good; index.html never.
 */
export function serveRenderer(
  dir: string | null,
  pathname: string,
  res: ServerResponse,
  head: boolean,
): void {
  if (!dir || !fs.existsSync(path.join(dir, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The desktop renderer is not built. Run: npm run build:desktop\n');
    return;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    rel = '/';
  }
  let file = path.resolve(dir, '.' + path.posix.normalize(rel));
  if (!file.startsWith(path.resolve(dir) + path.sep) && file !== path.resolve(dir))
    file = path.join(dir, 'index.html');
  let stat = fs.statSync(file, { throwIfNoEntry: false });
  if (!stat?.isFile()) {
    if (path.extname(rel)) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    file = path.join(dir, 'index.html');
    stat = fs.statSync(file);
  }
  const ext = path.extname(file);
  const immutable = file.includes(`${path.sep}assets${path.sep}`);
  res.writeHead(200, {
    'content-type': TYPES[ext] ?? 'application/octet-stream',
    'content-length': stat.size,
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (head) res.end();
  else fs.createReadStream(file).pipe(res);
}
