import { z } from 'zod';
import {
  CatalogPage,
  Connectivity,
  CourseView,
  LocalErrorBody,
  SessionState,
  type CatalogQuery,
  type SignInBody,
} from '../../contracts/app.ts';
import { MyRatingView, ReviewPage, type RatingBody } from '../../contracts/ratings.ts';
import { PreviewLesson } from '../../contracts/preview.ts';
import { localError } from '../i18n/errors.ts';

/**
 * A failed call to the local API, with the machine-readable code the core (or the server behind it) answered; its
 * message is in the interface's language when it is not English (see localError).
 */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The error's details as answered (e.g. the fields that failed validation, a weak password's problems). */
    readonly details?: unknown,
  ) {
    super(localError(code, message));
    this.name = 'ApiFailure';
  }
}

/** Any error as an ApiFailure (one the local API did not answer becomes a generic `internal` one). */
export const asFailure = (err: unknown): ApiFailure =>
  err instanceof ApiFailure ? err : new ApiFailure(0, 'internal', 'Something went wrong.');

/** What to tell the user about an error: the local API's own message, or `fallback` for anything else. */
export const failureMessage = (err: unknown, fallback?: string): string =>
  err instanceof ApiFailure ? err.message : (fallback ?? localError('internal', 'Something went wrong.'));

const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: z.enum(['electron', 'web']),
  serverUrl: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export async function call<S extends z.ZodType>(
  schema: S,
  method: string,
  path: string,
  body?: unknown,
  signal?: AbortSignal,
): Promise<z.infer<S>> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers:
        body === undefined
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (signal?.aborted) throw err;
    throw new ApiFailure(0, 'core_unreachable', "The app's background service stopped. Restart Lyceum.");
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = LocalErrorBody.safeParse(json);
    throw e.success
      ? new ApiFailure(res.status, e.data.error.code, e.data.error.message, e.data.error.details)
      : new ApiFailure(res.status, 'internal', `Unexpected answer (${res.status})`);
  }
  return schema.parse(json);
}

/** Query string of a catalog search: only the values that are set. */
export function catalogParams(q: Partial<CatalogQuery>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q))
    if (v !== undefined && v !== '' && v !== null) params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** The renderer's only way to the world: the local API of the desktop core. */
export const api = {
  app: () => call(AppInfo, 'GET', '/api/app'),
  session: () => call(SessionState, 'GET', '/api/session'),
  signIn: (body: SignInBody) => call(SessionState, 'POST', '/api/session', body),
  signOut: () => call(SessionState, 'DELETE', '/api/session'),
  status: () => call(Connectivity, 'GET', '/api/status'),
  catalog: (q: Partial<CatalogQuery>, signal?: AbortSignal) =>
    call(CatalogPage, 'GET', `/api/catalog${catalogParams(q)}`, undefined, signal),
  course: (id: string, signal?: AbortSignal) =>
    call(CourseView, 'GET', `/api/catalog/${encodeURIComponent(id)}`, undefined, signal),
  /** A lesson opened from the course page: a preview for a visitor who is not enrolled (not_enrolled for the others). */
  previewLesson: (courseId: string, lessonId: string) =>
    call(
      PreviewLesson,
      'GET',
      `/api/catalog/${encodeURIComponent(courseId)}/lessons/${encodeURIComponent(lessonId)}`,
    ),
  /** The signed-in student's rating of a course and its average (online only: code `offline` otherwise). */
  myRating: (id: string, signal?: AbortSignal) =>
    call(MyRatingView, 'GET', `/api/catalog/${encodeURIComponent(id)}/rating`, undefined, signal),
  rate: (id: string, body: z.input<typeof RatingBody>) =>
    call(MyRatingView, 'PUT', `/api/catalog/${encodeURIComponent(id)}/rating`, body),
  removeRating: (id: string) => call(MyRatingView, 'DELETE', `/api/catalog/${encodeURIComponent(id)}/rating`),
  /** A page of every student's ratings of a course, newest first, with the distribution (online only). */
  reviews: (id: string, page: { cursor?: string | null; limit?: number }, signal?: AbortSignal) => {
    const q = new URLSearchParams();
    if (page.cursor) q.set('cursor', page.cursor);
    if (page.limit !== undefined) q.set('limit', String(page.limit));
    const qs = q.toString();
    return call(
      ReviewPage,
      'GET',
      `/api/catalog/${encodeURIComponent(id)}/reviews${qs ? `?${qs}` : ''}`,
      undefined,
      signal,
    );
  },
};
