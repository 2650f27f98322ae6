import express, { type NextFunction, type Request, type Response } from 'express';
import { parseJson } from '../../../http/json-depth.ts';
import { ApiError } from '../../../http/errors.ts';

/** Form parameters the LRS treats as headers (xAPI-Communication 1.3.s3.b6–b7). */
const HEADER_PARAMS = new Set([
  'authorization',
  'x-experience-api-version',
  'content-type',
  'content-length',
  'if-match',
  'if-none-match',
]);
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
/** Resources whose bodies are documents (kept as bytes), not statements (parsed as JSON). */
const DOCUMENT_PATHS = /^\/(activities\/state|activities\/profile|agents\/profile)\/?$/;

const readForm = express.urlencoded({ extended: false, limit: '5mb', parameterLimit: 1000 });

/** Forget the outer request's body framing: the body is now what the form's `content` held. */
function replaceBody(req: Request, body: unknown): void {
  delete req.headers['content-length'];
  delete req.headers['transfer-encoding'];
  req.body = body;
}

/**
 * The alternate request syntax (xAPI-Communication 1.3), for every LRS resource: a POST with `?method=X` as its
 * only query parameter and an application/x-www-form-urlencoded body becomes the request X, the form's header
 * parameters its headers, `content` its body (a UTF-8 string) and every other form parameter its query string.
 * Mounted under /xapi ahead of body parsing.
 */
export function alternateSyntax(req: Request, res: Response, next: NextFunction): void {
  // The hot path (statement POSTs) pays one string search.
  if (req.method !== 'POST' || !req.url.includes('method=')) {
    next();
    return;
  }
  const url = new URL(req.url, 'http://lrs.invalid');
  if (!url.searchParams.has('method')) {
    next();
    return;
  }
  const method = url.searchParams.get('method')!.toUpperCase();
  if ([...url.searchParams.keys()].some((k) => k !== 'method')) {
    next(
      new ApiError(
        'validation_failed',
        'With the alternate request syntax, method is the only query parameter: send the others as form parameters',
      ),
    );
    return;
  }
  if (!METHODS.has(method)) {
    next(
      new ApiError('validation_failed', 'method must be GET, HEAD, PUT, POST or DELETE', { field: 'method' }),
    );
    return;
  }
  if (!/^application\/x-www-form-urlencoded\b/i.test(req.get('content-type') ?? '')) {
    next(
      new ApiError(
        'validation_failed',
        'The alternate request syntax sends an application/x-www-form-urlencoded body',
      ),
    );
    return;
  }
  readForm(req, res, (err?: unknown) => {
    if (err) {
      next(err);
      return;
    }
    const form: unknown = req.body ?? {};
    const query = new URLSearchParams();
    let content: string | undefined;
    for (const [name, value] of Object.entries(form as Record<string, unknown>)) {
      if (typeof value !== 'string') continue;
      const lower = name.toLowerCase();
      if (lower === 'content') content = value;
      else if (HEADER_PARAMS.has(lower)) req.headers[lower] = value;
      else query.append(name, value);
    }
    let body: unknown;
    if (content !== undefined) {
      if (DOCUMENT_PATHS.test(url.pathname)) body = Buffer.from(content, 'utf8');
      else {
        if (!req.headers['content-type'] || /x-www-form-urlencoded/i.test(req.headers['content-type']))
          req.headers['content-type'] = 'application/json';
        try {
          body = parseJson(content);
        } catch (err) {
          next(
            err instanceof ApiError
              ? err
              : new ApiError('malformed_json', 'The content form parameter is not valid JSON'),
          );
          return;
        }
      }
    } else delete req.headers['content-type'];
    replaceBody(req, body);
    req.method = method;
    const qs = query.toString();
    req.url = url.pathname + (qs ? `?${qs}` : '');
    next();
  });
}
