import express, { type Router } from 'express';
import { getAbsoluteFSPath } from 'swagger-ui-dist';

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Lyceum API</title>
<link rel="stylesheet" href="./assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="./assets/swagger-ui-bundle.js"></script>
<script src="./init.js"></script></body></html>`;

const init = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true, persistAuthorization: true });`;

/** Browsable API docs (Swagger UI) at /api/docs, with no inline script so the strict CSP holds. */
export function docsRouter(): Router {
  const r = express.Router();
  r.get('/', (req, res, next) => {
    if (!req.originalUrl.split('?')[0]!.endsWith('/')) return res.redirect(301, '/api/docs/');
    res.type('html').send(page);
    return next;
  });
  r.get('/init.js', (_req, res) => {
    res.type('application/javascript').send(init);
  });
  r.use('/assets', express.static(getAbsoluteFSPath(), { maxAge: '1d', index: false }));
  return r;
}
