import type { AuthResponse, User } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { SessionState, SignInBody } from '../../contracts/app.ts';
import type { ServerConnection } from '../server/connection.ts';
import { ServerError, ServerUnreachable } from '../server/errors.ts';
import type { IdentityRepo } from '../store/identity.ts';
import type { AccountData } from '../sync/account-data.ts';
import type { ConnectivityMonitor } from './connectivity.ts';
import type { OfflineSignIn } from './offline-sign-in.ts';

/** Refresh this long before the access token's expiry, so a request never leaves with a token about to die. */
const REFRESH_MARGIN_MS = 60_000;
/** Server answers that mean the refresh token is dead: the user must sign in again. */
const SESSION_OVER = new Set([
  'invalid_token',
  'token_expired',
  'refresh_token_reused',
  'session_revoked',
  'account_disabled',
  'unauthenticated',
]);

/** Turn a server failure into the local API's error (the server's own codes pass through). */
export function asCoreError(err: unknown, offlineMessage: string): unknown {
  if (err instanceof ServerUnreachable) return new CoreError('offline', offlineMessage);
  if (err instanceof ServerError)
    return new CoreError(err.code as CoreError['code'], err.message, err.details);
  return err;
}

export interface SessionDeps {
  client: ServerConnection;
  identity: IdentityRepo;
  /** The account's local data: kept at sign-out, checked (or replaced by another account's) at sign-in. */
  account: Pick<AccountData, 'verify'>;
  connectivity: ConnectivityMonitor;
  /** Password verifiers for signing in without a connection, and sign-outs to tell the server later. */
  offline: OfflineSignIn;
  now?: () => number;
}

/** The reason the server gave for ending a session (`session_revoked` details), if any. */
const revokeReason = (err: unknown): string | null =>
  err instanceof ServerError && err.code === 'session_revoked'
    ? (((err.details as { reason?: unknown } | undefined)?.reason as string | undefined) ?? null)
    : null;

/** Sign-in, sign-out and who-am-I, with the access token kept fresh by the (rotating) refresh token. */
export function sessionService(deps: SessionDeps) {
  const now = deps.now ?? Date.now;
  let notice: SessionState['notice'] = null;
  let refreshing: Promise<string | null> | null = null;
  /** Tell the server a refresh token is done with (sign-out, or a sign-out queued while offline). */
  const logout = (refreshToken: string) => deps.client.call('logout', { body: { refreshToken } });

  /**
   * The server refused the session (expired, revoked): the tokens go, the sign-in screen says why. The account's
   * data and its pending changes stay on the device. After a password reset or change, the old password's verifier
   * goes too (it must not sign anyone in offline).
   */
  function endSession(err?: unknown): void {
    const cached = deps.identity.load();
    const reason = revokeReason(err);
    const passwordChanged = reason === 'password_reset' || reason === 'password_changed';
    if (cached && passwordChanged) deps.offline.forget(cached.user.id);
    deps.identity.clear();
    notice = passwordChanged ? 'password_changed' : 'session_expired';
  }

  /** One refresh at a time: the server rotates refresh tokens and treats a second use of the old one as theft. */
  function refresh(): Promise<string | null> {
    refreshing ??= (async () => {
      const cached = deps.identity.load();
      // Nobody, or a session on this device only (signed in offline): no token; syncing waits for an online sign-in.
      if (!cached?.refreshToken) return null;
      try {
        const auth = await deps.client.call('refresh', { body: { refreshToken: cached.refreshToken } });
        deps.identity.saveSession(auth, new Date(now()));
        return auth.accessToken;
      } catch (err) {
        if (err instanceof ServerError && SESSION_OVER.has(err.code)) {
          endSession(err);
          return null;
        }
        throw err;
      }
    })().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  /** A usable access token (refreshed when about to expire), or null when nobody is signed in. May throw ServerUnreachable. */
  async function accessToken(): Promise<string | null> {
    const cached = deps.identity.load();
    if (!cached) return null;
    const expires = cached.accessExpiresAt?.getTime() ?? 0;
    if (cached.accessToken && expires - REFRESH_MARGIN_MS > now()) return cached.accessToken;
    return refresh();
  }

  /** Run a server call with the user's token; when the server says the token is expired, refresh once and retry. */
  async function withToken<T>(call: (token: string | null) => Promise<T>): Promise<T> {
    const token = await accessToken();
    try {
      return await call(token);
    } catch (err) {
      if (
        token &&
        err instanceof ServerError &&
        err.status === 401 &&
        (err.code === 'token_expired' || err.code === 'invalid_token' || err.code === 'session_revoked')
      ) {
        const fresh = await refresh();
        return call(fresh);
      }
      throw err;
    }
  }

  function state(user: User | null, offline: boolean): SessionState {
    const cached = user ? deps.identity.load() : null;
    return {
      signedIn: user !== null,
      user,
      offline,
      notice,
      connectivity: deps.connectivity.snapshot(),
      syncSignInRequired: cached !== null && !cached.refreshToken,
      offlineSignIn: user !== null && deps.offline.knows(user.id),
    };
  }

  /** A successful online sign-in (or sign-up): store the session and a verifier of the password for offline use. */
  async function adopt(auth: AuthResponse, password: string): Promise<SessionState> {
    deps.identity.saveSession(auth, new Date(now()));
    deps.account.verify(auth.user.id);
    await deps.offline.remember(auth.user, password);
    notice = null;
    void deps.offline.flushRevocations((t) => logout(t));
    return state(auth.user, false);
  }

  /** The server cannot be reached: a student who signed in here before signs in against the stored verifier. */
  async function signInOffline(body: SignInBody): Promise<SessionState> {
    const user = await deps.offline.verify(body.email, body.password);
    const cached = deps.identity.load();
    // Already signed in as this account with its tokens: keep them (the session resumes when the server is back).
    if (cached?.refreshToken && cached.user.id === user.id) {
      notice = null;
      return state(cached.user, true);
    }
    deps.identity.saveLocal(user, new Date(now()));
    deps.account.verify(user.id);
    notice = null;
    return state(user, true);
  }

  return {
    accessToken,
    withToken,
    /** Force a refresh now (the API's "refresh" endpoint and tests). */
    refresh,

    async signIn(body: SignInBody): Promise<SessionState> {
      let auth: AuthResponse;
      try {
        auth = await deps.client.call('login', { body });
      } catch (err) {
        if (err instanceof ServerUnreachable) return signInOffline(body);
        throw asCoreError(err, 'The server cannot be reached');
      }
      return adopt(auth, body.password);
    },

    /** After the account was created on the server: sign it in like a sign-in (see account.ts). */
    adopt,

    async signOut(): Promise<SessionState> {
      const cached = deps.identity.load();
      if (cached?.refreshToken) {
        // Online, the server ends the session now. Offline, the tokens leave this device at once and the server is
        // asked to end the session at the next contact (the sealed refresh token waits in pending_revocations).
        const token = cached.refreshToken;
        await logout(token).catch((err: unknown) => {
          if (err instanceof ServerUnreachable) deps.offline.queueRevocation(token);
        });
      }
      deps.identity.clear();
      notice = null;
      return state(null, !deps.connectivity.snapshot().online);
    },

    /** Who is signed in. Online, the account is re-read from the server; offline, the cached account answers. */
    async whoAmI(): Promise<SessionState> {
      const cached = deps.identity.load();
      if (!cached) {
        const online = (await deps.connectivity.check()).online;
        if (online) void deps.offline.flushRevocations((t) => logout(t));
        return state(null, !online);
      }
      if (!(await deps.connectivity.check()).online) return state(cached.user, true);
      // Sessions signed out while offline end on the server now.
      void deps.offline.flushRevocations((t) => logout(t));
      // Signed in on this device only: the student keeps studying; the app asks for an online sign-in to sync.
      if (!cached.refreshToken) return state(cached.user, false);
      try {
        const user = await withToken((token) =>
          token ? deps.client.call('getMe', {}, { token }) : Promise.resolve(null),
        );
        if (!user) return state(null, false);
        deps.identity.updateUser(user);
        return state(user, false);
      } catch (err) {
        if (err instanceof ServerUnreachable) return state(cached.user, true);
        if (err instanceof ServerError && SESSION_OVER.has(err.code)) {
          endSession(err);
          return state(null, false);
        }
        throw asCoreError(err, 'The server cannot be reached');
      }
    },

    currentUserId: (): string | null => deps.identity.load()?.user.id ?? null,
  };
}
export type SessionService = ReturnType<typeof sessionService>;
