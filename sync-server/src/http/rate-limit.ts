import type pg from 'pg';
import type { Logger } from 'pino';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import type { Config } from '../config.ts';
import type { RedisClient } from '../lib/redis.ts';
import { ApiError } from './errors.ts';

/**
 * What is limited: expensive reads (course search with words, analytics figures, exports) per user and per client
 * address, and account creation / reset requests per client address.
 */
export type RatePolicy = 'search' | 'dashboard' | 'export' | 'signup' | 'reset';

interface PolicyLimits {
  /** Requests per minute per signed-in user (none: the policy is per address only). */
  perUser?: number;
  /** Requests per minute per client address. */
  perIp: number;
}

/** The limits each policy gets from the config (RATE_LIMIT_* env). */
export function policyLimits(config: Config): Record<RatePolicy, PolicyLimits> {
  const ip = (n: number) => Math.max(1, Math.round(n * config.RATE_LIMIT_IP_FACTOR));
  const user = (n: number): PolicyLimits => ({ perUser: n, perIp: ip(n) });
  return {
    search: user(config.RATE_LIMIT_SEARCH_PER_MINUTE),
    dashboard: user(config.RATE_LIMIT_DASHBOARD_PER_MINUTE),
    export: user(config.RATE_LIMIT_EXPORT_PER_MINUTE),
    signup: { perIp: config.RATE_LIMIT_ACCOUNT_PER_MINUTE },
    reset: { perIp: config.RATE_LIMIT_ACCOUNT_PER_MINUTE },
  };
}

export interface RateLimits {
  /** Count one request; throws a 429 ApiError (with Retry-After) when the user or the address is over its limit. */
  consume(policy: RatePolicy, who: { ip: string | undefined; userId?: string | null }): Promise<void>;
}

export type RateStore =
  { kind: 'redis'; client: RedisClient } | { kind: 'postgres'; pool: pg.Pool } | { kind: 'memory' };

const TABLE = 'rate_limits';
const DURATION_SECONDS = 60;

/** The sign-up and reset forms already know `too_many_attempts`; the expensive reads answer `rate_limited`. */
const codeOf = (policy: RatePolicy) =>
  policy === 'signup' || policy === 'reset' ? 'too_many_attempts' : 'rate_limited';

/**
 * Sliding-minute counters (rate-limiter-flexible) in a store every API node shares: Redis when REDIS_URL is set,
 * else PostgreSQL (its own `rate_limits` table), or this process's memory. When the shared store fails, each node
 * falls back to counting in its own memory rather than refusing or letting everything through.
 */
export async function createRateLimits(
  store: RateStore,
  limits: Record<RatePolicy, PolicyLimits>,
  logger: Logger,
): Promise<RateLimits> {
  if (store.kind === 'postgres')
    // Created once, before the limiters (each would otherwise race to create it). Unlogged: counters are not worth
    // a WAL write and an fsync per request, and a crash may forget them.
    await store.pool
      .query(
        `CREATE UNLOGGED TABLE IF NOT EXISTS ${TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
      )
      .catch((err: { code?: string }) => {
        // Two nodes starting at once: PostgreSQL's IF NOT EXISTS is not safe against a concurrent CREATE.
        if (err.code !== '23505' && err.code !== '42P07') throw err;
      });
  // One limiter deletes expired rows (every 5 minutes, the whole table) so addresses seen once do not pile up.
  let sweeper = true;
  const make = (keyPrefix: string, points: number): RateLimiterAbstract => {
    const base = { keyPrefix, points, duration: DURATION_SECONDS };
    const insuranceLimiter = new RateLimiterMemory(base);
    switch (store.kind) {
      case 'redis':
        return new RateLimiterRedis({
          ...base,
          storeClient: store.client,
          useRedisPackage: true,
          rejectIfRedisNotReady: true,
          insuranceLimiter,
        });
      case 'postgres': {
        const sweep = sweeper;
        sweeper = false;
        return new RateLimiterPostgres({
          ...base,
          storeClient: store.pool,
          storeType: 'pool',
          tableName: TABLE,
          tableCreated: true,
          clearExpiredByTimeout: sweep,
          insuranceLimiter,
        });
      }
      case 'memory':
        return insuranceLimiter;
    }
  };
  const limiters = new Map<RatePolicy, { user?: RateLimiterAbstract; ip: RateLimiterAbstract }>();
  for (const [policy, l] of Object.entries(limits) as [RatePolicy, PolicyLimits][])
    limiters.set(policy, {
      user: l.perUser ? make(`rl_${policy}_user`, l.perUser) : undefined,
      ip: make(`rl_${policy}_ip`, l.perIp),
    });

  return {
    async consume(policy, who) {
      const l = limiters.get(policy)!;
      const checks: [scope: 'user' | 'ip', Promise<unknown>][] = [['ip', l.ip.consume(who.ip ?? 'unknown')]];
      if (l.user && who.userId) checks.push(['user', l.user.consume(who.userId)]);
      const results = await Promise.allSettled(checks.map(([, p]) => p));
      let refused: { scope: 'user' | 'ip'; ms: number } | null = null;
      results.forEach((r, i) => {
        if (r.status === 'fulfilled') return;
        if (r.reason instanceof RateLimiterRes) {
          if (!refused || r.reason.msBeforeNext > refused.ms)
            refused = { scope: checks[i]![0], ms: r.reason.msBeforeNext };
        } else logger.warn({ err: r.reason, policy }, 'rate limit store failed; request let through');
      });
      if (!refused) return;
      const { scope, ms } = refused as { scope: 'user' | 'ip'; ms: number };
      const retry = Math.max(1, Math.ceil(ms / 1000));
      throw new ApiError(
        codeOf(policy),
        scope === 'user'
          ? 'Too many requests of this kind from your account; wait a moment'
          : 'Too many requests of this kind from your network; wait a moment',
        { retryAfterSeconds: retry, scope, policy },
        { 'retry-after': String(retry) },
      );
    },
  };
}
