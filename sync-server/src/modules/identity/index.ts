import type { ModuleDeps } from '../deps.ts';
import type { RateLimiter } from '../../http/rate-limit.ts';
import { accessTokens } from './tokens.ts';
import { sessionService } from './sessions.ts';
import { loginThrottler } from './throttle.ts';
import { accountService } from './accounts.ts';
import { adminUserService } from './admin.ts';
import { bearerAuthenticator } from './authenticator.ts';
import { identityRoutes } from './routes.ts';
import { resetPageRouter } from './reset-page.ts';

export interface IdentityDeps extends ModuleDeps {
  jwtSecret: string;
  publicUrl: string;
  limiter: RateLimiter;
  /** Told after a profile change (e.g. the catalog refreshes instructor names); called at request time. */
  onProfileChanged?: (userId: string) => Promise<void>;
}

export function createIdentityModule(deps: IdentityDeps) {
  const tokens = accessTokens(deps.jwtSecret, deps.config.ACCESS_TOKEN_TTL_SECONDS);
  const authenticator = bearerAuthenticator(deps.db, tokens);
  const sessions = sessionService(deps.db, tokens, deps.config.REFRESH_TOKEN_TTL_DAYS, () =>
    authenticator.forgetSessions(),
  );
  const onUserChanged = (id: string) => {
    authenticator.forget(id);
    deps
      .onProfileChanged?.(id)
      .catch((err: unknown) => deps.logger.error({ err, userId: id }, 'profile change hook failed'));
  };
  const accounts = accountService({
    db: deps.db,
    sessions,
    throttle: loginThrottler(deps.db),
    mailer: deps.mailer,
    publicUrl: deps.publicUrl,
    onUserChanged,
    logger: deps.logger,
  });
  const admin = adminUserService(deps.db, sessions, onUserChanged);
  return {
    routes: identityRoutes(accounts, sessions, admin, deps.limiter),
    /** The page reset emails link to; mount at /reset-password. */
    resetPage: resetPageRouter(accounts),
    authenticator,
    accounts,
    sessions,
    tokens,
    admin,
  };
}
export type IdentityModule = ReturnType<typeof createIdentityModule>;
