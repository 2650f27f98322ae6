import type { AuthResponse, User } from '@lyceum/contracts';
import { CoreError } from '../errors.ts';
import type { SessionState, SignInBody } from '../schemas.ts';
import { ServerError, ServerUnreachable, type ServerClient } from '../server/client.ts';
import type { IdentityRepo } from '../store/identity.ts';
import type { AccountData } from '../sync/account-data.ts';
import type { ConnectivityMonitor } from './connectivity.ts';

/** Refresh this long before the access token's expiry, so a request never leaves with a token about to die. */
const REFRESH_MARGIN_MS = 60_000;
/** Server answers that mean the refresh token is dead: the user must sign in again. */
const SESSION_OVER = new Set([
  'invalid_token',
  'token_expired',
  'refresh_token_reused',
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
  client: ServerClient;
  identity: IdentityRepo;
  /** The account's local data: kept at sign-out, checked (or replaced by another account's) at sign-in. */
  account: Pick<AccountData, 'verify'>;
  connectivity: ConnectivityMonitor;
  now?: () => number;
}

/** Sign-in, sign-out and who-am-I, with the access token kept fresh by the (rotating) refresh token. */
export function sessionService(deps: SessionDeps) {
  const now = deps.now ?? Date.now;
  let notice: SessionState['notice'] = null;
  let refreshing: Promise<string | null> | null = null;

  function endSession(): void {
    deps.identity.clear();
    notice = 'session_expired';
  }

  /** One refresh at a time: the server rotates refresh tokens and treats a second use of the old one as theft. */
  function refresh(): Promise<string | null> {
    refreshing ??= (async () => {
      const cached = deps.identity.load();
      if (!cached?.refreshToken) {
        if (cached) endSession();
        return null;
      }
      try {
        const auth = await deps.client.refresh(cached.refreshToken);
        deps.identity.saveSession(auth, new Date(now()));
        return auth.accessToken;
      } catch (err) {
        if (err instanceof ServerError && SESSION_OVER.has(err.code)) {
          endSession();
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
        (err.code === 'token_expired' || err.code === 'invalid_token')
      ) {
        const fresh = await refresh();
        return call(fresh);
      }
      throw err;
    }
  }

  function state(user: User | null, offline: boolean): SessionState {
    return { signedIn: user !== null, user, offline, notice, connectivity: deps.connectivity.snapshot() };
  }

  return {
    accessToken,
    withToken,
    /** Force a refresh now (the API's "refresh" endpoint and tests). */
    refresh,

    async signIn(body: SignInBody): Promise<SessionState> {
      let auth: AuthResponse;
      try {
        auth = await deps.client.login(body);
      } catch (err) {
        throw asCoreError(
          err,
          'Signing in needs the server, and it cannot be reached right now. Check your connection and try again.',
        );
      }
      deps.identity.saveSession(auth, new Date(now()));
      deps.account.verify(auth.user.id);
      notice = null;
      return state(auth.user, false);
    },

    async signOut(): Promise<SessionState> {
      const cached = deps.identity.load();
      if (cached?.refreshToken) {
        // Best effort: offline, the server-side session simply expires; the tokens are gone from this device either way.
        await deps.client.logout(cached.refreshToken).catch(() => undefined);
      }
      deps.identity.clear();
      notice = null;
      return state(null, !deps.connectivity.snapshot().online);
    },

    /** Who is signed in. Online, the account is re-read from the server; offline, the cached account answers. */
    async whoAmI(): Promise<SessionState> {
      const cached = deps.identity.load();
      if (!cached) return state(null, !(await deps.connectivity.check()).online);
      if (!(await deps.connectivity.check()).online) return state(cached.user, true);
      try {
        const user = await withToken((token) => (token ? deps.client.me(token) : Promise.resolve(null)));
        if (!user) return state(null, false);
        deps.identity.updateUser(user);
        return state(user, false);
      } catch (err) {
        if (err instanceof ServerUnreachable) return state(cached.user, true);
        if (err instanceof ServerError && SESSION_OVER.has(err.code)) {
          endSession();
          return state(null, false);
        }
        throw asCoreError(err, 'The server cannot be reached');
      }
    },

    currentUserId: (): string | null => deps.identity.load()?.user.id ?? null,
  };
}
export type SessionService = ReturnType<typeof sessionService>;
