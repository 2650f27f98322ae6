import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed content URLs: `/content/<key>?scope=<prefix>&exp=<unix seconds>&sig=<base64url HMAC-SHA256(scope \n exp)>`.
 * The scope is the key itself or a folder prefix ending in '/' (one signature covers an HLS package, whose playlists
 * name their segments by relative paths). Everything is in the path and query string — no cookies — so a CDN may
 * cache by URL and forward to the origin, which checks the signature.
 */
export interface SignedQuery {
  scope: string;
  exp: number;
  sig: string;
}

export function urlSigner(key: string) {
  const mac = (scope: string, exp: number) =>
    createHmac('sha256', key).update(`${scope}\n${exp}`).digest('base64url');
  // Signatures already checked: a player presents the same one for every segment of a package. Only exact
  // (scope, exp, sig) triples that passed the HMAC check are kept, so a hit proves what the check proved.
  const verified = new Set<string>();
  return {
    sign(scope: string, exp: number): SignedQuery {
      return { scope, exp, sig: mac(scope, exp) };
    },
    /** 'ok', or why not: the object is outside the scope, the signature is wrong, or the URL has expired. */
    verify(objectKey: string, q: Partial<Record<'scope' | 'exp' | 'sig', unknown>>, nowSeconds: number) {
      const { scope, exp, sig } = q;
      if (
        typeof scope !== 'string' ||
        typeof exp !== 'string' ||
        typeof sig !== 'string' ||
        !/^\d{1,12}$/.test(exp)
      )
        return 'invalid' as const;
      const inScope = scope.endsWith('/') ? objectKey.startsWith(scope) : objectKey === scope;
      if (!inScope) return 'invalid' as const;
      const seen = `${scope.length}:${scope}\n${exp}\n${sig}`; // unambiguous: the scope's length first
      if (!verified.has(seen)) {
        const want = Buffer.from(mac(scope, Number(exp)));
        const got = Buffer.from(sig);
        if (want.length !== got.length || !timingSafeEqual(want, got)) return 'invalid' as const;
        if (verified.size >= 10_000) verified.clear();
        verified.add(seen);
      }
      if (Number(exp) < nowSeconds) return 'expired' as const;
      return 'ok' as const;
    },
  };
}
export type UrlSigner = ReturnType<typeof urlSigner>;

export const querySuffix = (q: SignedQuery) =>
  `scope=${encodeURIComponent(q.scope)}&exp=${q.exp}&sig=${q.sig}`;

/** The URL path of a key: each segment percent-encoded. */
export const contentPath = (key: string) => `/content/${key.split('/').map(encodeURIComponent).join('/')}`;
