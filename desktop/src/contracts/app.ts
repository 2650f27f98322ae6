import { z } from 'zod';
import {
  CourseDetail,
  CourseSearchQuery,
  CourseSearchResult,
  ErrorCode,
  IsoDateTime,
  LoginRequest,
  User,
} from '@lyceum/contracts';

/** Desktop-only schemas: the local API between the core and the renderer. Server payloads come from @lyceum/contracts. */

/** Error codes only the local API answers with (the server's codes pass through unchanged). */
export const LocalErrorCode = z.enum([
  /** The request needs the server and it cannot be reached. */
  'offline',
  /** Offline, and this course was never opened online on this device. */
  'not_cached',
  /** No launch secret (cookie or bearer) or a wrong one. */
  'launch_secret_required',
  /** The Host header is not this server (DNS rebinding guard). */
  'misdirected_request',
  /** A state-changing request from another origin. */
  'cross_origin',
  /** The action needs a signed-in user. */
  'signed_out',
  /** The server answered something this app cannot read. */
  'bad_gateway',
]);
export type LocalErrorCode = z.infer<typeof LocalErrorCode>;

export const DesktopErrorCode = z.union([ErrorCode, LocalErrorCode]);
export type DesktopErrorCode = z.infer<typeof DesktopErrorCode>;

export const localErrorStatus: Record<LocalErrorCode, number> = {
  offline: 503,
  not_cached: 404,
  launch_secret_required: 401,
  misdirected_request: 421,
  cross_origin: 403,
  signed_out: 401,
  bad_gateway: 502,
};

export const LocalErrorBody = z.object({
  error: z.object({ code: DesktopErrorCode, message: z.string(), details: z.unknown().optional() }),
});
export type LocalErrorBody = z.infer<typeof LocalErrorBody>;

export const Connectivity = z.object({
  online: z.boolean(),
  serverUrl: z.string(),
  /** Last time the server answered anything (survives restarts). */
  lastContactAt: IsoDateTime.nullable(),
  lastCheckedAt: IsoDateTime.nullable(),
  /** Why the last attempt failed, in words, when offline. */
  lastError: z.string().nullable(),
});
export type Connectivity = z.infer<typeof Connectivity>;

/** Why the last session ended by itself: it expired or was refused, or the password changed (reset or changed elsewhere). */
export const SessionNotice = z.enum(['session_expired', 'password_changed']);

export const SessionState = z.object({
  signedIn: z.boolean(),
  user: User.nullable(),
  /** True when the server could not be reached to confirm the session: the user is the cached one. */
  offline: z.boolean(),
  /** Set when the session ended by itself (the refresh token was refused): sign in again. */
  notice: SessionNotice.nullable(),
  connectivity: Connectivity,
  /**
   * Signed in on this device only (offline sign-in, or tokens that no longer open): studying works, syncing waits
   * until the student signs in online again.
   */
  syncSignInRequired: z.boolean(),
  /** The signed-in account can sign in again on this device without a connection (a password verifier is stored). */
  offlineSignIn: z.boolean(),
});
export type SessionState = z.infer<typeof SessionState>;

export const SignInBody = LoginRequest;
export type SignInBody = z.infer<typeof SignInBody>;

/** Same filters and sorts as the server; the cursor is the core's own (it works online and from the cache). */
export const CatalogQuery = CourseSearchQuery;
export type CatalogQuery = z.infer<typeof CatalogQuery>;

export const DataSource = z.enum(['server', 'cache']);
export type DataSource = z.infer<typeof DataSource>;

export const CatalogPage = CourseSearchResult.extend({
  source: DataSource,
  offline: z.boolean(),
  /** When the cached data was last fetched from the server (null when nothing is cached). */
  syncedAt: IsoDateTime.nullable(),
  /** How many courses the device has cached (what an offline search can see). */
  cachedCount: z.number().int(),
});
export type CatalogPage = z.infer<typeof CatalogPage>;

export const CourseView = z.object({
  course: CourseDetail,
  source: DataSource,
  offline: z.boolean(),
  syncedAt: IsoDateTime.nullable(),
});
export type CourseView = z.infer<typeof CourseView>;

export const CourseIdParam = z.object({ id: z.uuid() }).strict();
