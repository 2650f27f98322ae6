import express from 'express';
import { alternateSyntax } from './alternate.ts';
import { lrsCors } from './cors.ts';

/** Document bodies are kept as their bytes, whatever their content type (xAPI-Communication 1.5.b1). */
const documentBytes = express.raw({ type: () => true, limit: '2mb' });

/**
 * Mounted under /xapi ahead of logging, helmet, CORS and body parsing: CORS for browser-based content, the
 * alternate request syntax, and raw bodies for the document resources.
 */
export function lrsEarly(): express.Router {
  const router = express.Router();
  router.use(lrsCors);
  router.use(alternateSyntax);
  router.use(['/activities/state', '/activities/profile', '/agents/profile'], (req, res, next) => {
    if (req.body !== undefined) {
      next();
      return;
    }
    documentBytes(req, res, next);
  });
  return router;
}
