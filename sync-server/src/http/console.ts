import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { ApiError } from './errors.ts';

/** sync-server/console/dist, from src/http. */
export const defaultConsoleDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../console/dist',
);

/**
 * The admin console's static bundle at /admin: hashed assets cached for good, index.html for every app path (deep
 * links), never cached. The page is public; everything it shows comes from admin-only API routes.
 */
export function consoleRouter(dir = defaultConsoleDir): express.Router {
  const router = express.Router();
  const index = path.join(dir, 'index.html');
  router.use(
    '/assets',
    express.static(path.join(dir, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: false,
    }),
  );
  router.get('/{*path}', (req, res, next) => {
    if (path.extname(req.path)) return next(new ApiError('not_found', 'No such console file'));
    if (!fs.existsSync(index))
      return next(
        new ApiError(
          'not_ready',
          'The admin console is not built: run `npm run build:console -w sync-server`',
        ),
      );
    res.set('cache-control', 'no-store');
    res.sendFile(index);
  });
  return router;
}
