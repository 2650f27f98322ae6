import { createHmac } from 'node:crypto';
import { SignJWT, errors, jwtVerify } from 'jose';
import { ApiError } from '../../../http/errors.ts';

/** How long a calendar subscription link works before the app has to hand out a new one. */
export const CALENDAR_TOKEN_TTL_DAYS = 365;
const AUDIENCE = 'lyceum:calendar';

/**
 * Signed per-user calendar tokens: calendar apps cannot sign in, so the feed's URL carries a token that names the
 * user, is signed with a key derived from the server's secret (never the access-token key itself: a calendar token is
 * no access token and the reverse), has its own audience and expires.
 */
export function calendarTokens(serverSecret: string, ttlDays = CALENDAR_TOKEN_TTL_DAYS) {
  const key = createHmac('sha256', serverSecret).update('lyceum calendar feed v1').digest();
  return {
    async sign(userId: string, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
      const iat = Math.floor(now.getTime() / 1000);
      const exp = iat + ttlDays * 86_400;
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(userId)
        .setAudience(AUDIENCE)
        .setIssuedAt(iat)
        .setExpirationTime(exp)
        .sign(key);
      return { token, expiresAt: new Date(exp * 1000) };
    },
    /** The user id; 401 invalid_token (forged, altered, another kind of token) or token_expired. */
    async verify(token: string): Promise<string> {
      try {
        const { payload } = await jwtVerify(token, key, { audience: AUDIENCE, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || !/^[0-9a-f-]{36}$/i.test(payload.sub))
          throw new ApiError('invalid_token', 'The calendar link is invalid');
        return payload.sub;
      } catch (err) {
        if (err instanceof ApiError) throw err;
        if (err instanceof errors.JWTExpired)
          throw new ApiError('token_expired', 'The calendar link has expired; copy a new one from the app');
        throw new ApiError('invalid_token', 'The calendar link is invalid');
      }
    },
  };
}
export type CalendarTokens = ReturnType<typeof calendarTokens>;
