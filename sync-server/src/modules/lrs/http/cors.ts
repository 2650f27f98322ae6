import type { NextFunction, Request, Response } from 'express';

const ALLOW_HEADERS = [
  'Authorization',
  'Content-Type',
  'X-Experience-API-Version',
  'If-Match',
  'If-None-Match',
  'Accept-Language',
].join(', ');
const EXPOSE_HEADERS = [
  'ETag',
  'Last-Modified',
  'Content-Type',
  'X-Experience-API-Version',
  'X-Experience-API-Consistent-Through',
].join(', ');

/**
 * CORS for browser-based learning content served from any origin: the LRS is called with HTTP Basic credentials
 * in the Authorization header (no cookies), so every origin may call it; the credentials decide. Preflights are
 * answered here, before authentication.
 */
export function lrsCors(req: Request, res: Response, next: NextFunction): void {
  const origin = req.get('origin');
  if (origin) {
    res.set('access-control-allow-origin', origin);
    res.vary('Origin');
    res.set('access-control-expose-headers', EXPOSE_HEADERS);
  }
  if (req.method === 'OPTIONS') {
    res.set('access-control-allow-methods', 'GET, HEAD, PUT, POST, DELETE, OPTIONS');
    res.set('access-control-allow-headers', ALLOW_HEADERS);
    res.set('access-control-max-age', '600');
    res.status(204).end();
    return;
  }
  next();
}
