import { ApiError } from './errors.ts';

/** Fixed-window counter per key, for endpoints that send mail or create accounts. */
export function rateLimiter(limit: number, windowMs: number) {
  const hits = new Map<string, { n: number; start: number }>();
  return {
    hit(key: string): void {
      const now = Date.now();
      const h = hits.get(key);
      if (!h || now - h.start >= windowMs) {
        if (hits.size > 100_000) hits.clear();
        hits.set(key, { n: 1, start: now });
        return;
      }
      h.n += 1;
      if (h.n > limit) {
        const retry = Math.ceil((h.start + windowMs - now) / 1000);
        throw new ApiError(
          'too_many_attempts',
          'Too many requests; slow down',
          { retryAfterSeconds: retry },
          { 'retry-after': String(retry) },
        );
      }
    },
  };
}
export type RateLimiter = ReturnType<typeof rateLimiter>;
