import { createHmac, timingSafeEqual } from 'node:crypto';
import { NotificationKind } from '@lyceum/contracts';

/**
 * Signed one-click unsubscribe tokens (RFC 8058): `<userId>.<type>.<expiry unix s>.<HMAC-SHA256>`, base64url. They need
 * no sign-in and do one thing: turn the email preference of that type off for that user. A forged or altered token
 * fails the MAC; an expired one is refused (links in old emails stop working after `ttlDays`).
 */
export interface UnsubscribeClaims {
  userId: string;
  type: NotificationKind;
}

export type TokenCheck =
  { ok: true; claims: UnsubscribeClaims } | { ok: false; reason: 'invalid' | 'expired' };

const mac = (secret: string, payload: string) =>
  createHmac('sha256', `unsubscribe:${secret}`).update(payload).digest('base64url');

export function signUnsubscribe(
  secret: string,
  claims: UnsubscribeClaims,
  ttlDays = 90,
  now = Date.now(),
): string {
  const exp = Math.floor(now / 1000) + ttlDays * 86_400;
  const payload = `${claims.userId}.${claims.type}.${exp}`;
  return `${Buffer.from(payload).toString('base64url')}.${mac(secret, payload)}`;
}

export function verifyUnsubscribe(secret: string, token: string, now = Date.now()): TokenCheck {
  const [encoded, sig, extra] = token.split('.');
  if (!encoded || !sig || extra !== undefined) return { ok: false, reason: 'invalid' };
  const payload = Buffer.from(encoded, 'base64url').toString('utf8');
  const expected = Buffer.from(mac(secret, payload));
  const given = Buffer.from(sig);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'invalid' };
  const [userId, type, exp] = payload.split('.');
  const kind = NotificationKind.safeParse(type);
  if (!userId || !kind.success || !/^\d+$/.test(exp ?? '')) return { ok: false, reason: 'invalid' };
  if (Number(exp) * 1000 < now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { userId, type: kind.data } };
}
