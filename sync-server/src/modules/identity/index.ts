import type { ModuleDeps } from '../deps.ts';
import type { RateLimits } from '../../http/rate-limit.ts';
import type { ClusterBus } from '../../lib/cluster-bus.ts';
import { accessTokens } from './tokens.ts';
import { sessionService } from './sessions.ts';
import { loginThrottler } from './throttle.ts';
import { accountService } from './accounts.ts';
import { adminUserService } from './admin.ts';
import { bearerAuthenticator } from './authenticator.ts';
import { identityRoutes } from './routes.ts';
import { resetPageRouter } from './reset-page.ts';
import { revocationBroadcast } from './revocations.ts';

export interface IdentityDeps extends ModuleDeps {
  jwtSecret: string;
  publicUrl: string;
  limits: RateLimits;
  /** Tells every API node about ended sessions and changed accounts (none: this node only). */
  bus?: ClusterBus;
  /** Told after a profile change (e.g. the catalog refreshes instructor names); called at request time. */
  onProfileChanged?: (userId: string) => Promise<void>;
}

export function createIdentityModule(deps: IdentityDeps) {
  const tokens = accessTokens(deps.jwtSecret, deps.config.ACCESS_TOKEN_TTL_SECONDS);
  const authenticator = bearerAuthenticator(deps.db, tokens);
  const revocations = revocationBroadcast(authenticator, deps.bus, deps.logger);
  const sessions = sessionService(deps.db, tokens, deps.config.REFRESH_TOKEN_TTL_DAYS, () =>
    revocations.sessionsEnded(),
  );
  const onUserChanged = (id: string) => {
    revocations.userChanged(id);
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
    routes: identityRoutes(accounts, sessions, admin, deps.limits),
    /** The page reset emails link to; mount at /reset-password. */
    resetPage: resetPageRouter(accounts),
    authenticator,
    revocations,
    accounts,
    sessions,
    tokens,
    admin,
  };
}
export type IdentityModule = ReturnType<typeof createIdentityModule>;
