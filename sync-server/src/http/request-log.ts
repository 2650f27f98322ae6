import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import type { Level, Logger } from 'pino';

const validId = /^[\w-]{1,64}$/;

/** The request id of a response (set by requestLog). */
export const requestIdOf = (res: Response): string => String(res.locals.requestId ?? '');

/**
 * Request ids (kept from `x-request-id` when well-formed) and one structured log line per request.
 * Lighter than pino-http: nothing is built per request unless the line's level is enabled.
 */
export function requestLog(logger: Logger, quietPaths: string[] = ['/health', '/ready']): RequestHandler {
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && validId.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.setHeader('x-request-id', id);
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const level: Level = res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level) || (level === 'info' && quietPaths.includes(req.path))) return;
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      logger[level](
        {
          reqId: id,
          method: req.method,
          url: req.originalUrl,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
        },
        'request',
      );
    });
    next();
  };
}
