import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { CoreError } from '../errors.ts';

/** Cookies are shared by every port of a host, so the name carries the port: two running cores never clash. */
export const launchCookieName = (port: number) => `lyceum_launch_${port}`;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sameSecret(given: string | undefined | null, secret: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function readCookie(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** The cookie that carries the launch secret after the one-time exchange: not readable by scripts, never sent cross-site. */
export function launchCookie(port: number, secret: string): string {
  return `${launchCookieName(port)}=${encodeURIComponent(secret)}; Path=/; HttpOnly; SameSite=Strict`;
}

/** The local API's guards, built for one port and one per-launch secret. */
export function localGuard(opts: { port: number; secret: string }) {
  const hosts = new Set([`127.0.0.1:${opts.port}`, `localhost:${opts.port}`]);
  const origins = new Set([...hosts].map((h) => `http://${h}`));

  return {
    origins,
    /** DNS rebinding: a page on evil.example that resolves to 127.0.0.1 still sends `Host: evil.example`. */
    checkHost(req: IncomingMessage): void {
      const host = req.headers.host?.toLowerCase();
      if (!host || !hosts.has(host))
        throw new CoreError('misdirected_request', 'This server answers only on its own address');
    },

    /** Who may call the API: the page that holds the launch cookie, or a local tool that sends the secret as a bearer token. */
    authenticate(req: IncomingMessage): 'cookie' | 'bearer' {
      const auth = req.headers.authorization;
      if (auth?.startsWith('Bearer ') && sameSecret(auth.slice(7), opts.secret)) return 'bearer';
      if (sameSecret(readCookie(req, launchCookieName(opts.port)), opts.secret)) return 'cookie';
      throw new CoreError(
        'launch_secret_required',
        "Open the app from the link it printed at start (it carries this launch's secret)",
      );
    },

    /**
     * Requests from other origins are refused outright (Fetch Metadata); a state-changing request must come from this origin (browsers always send
     * Origin on them), except from a non-browser tool that authenticated with the bearer secret and sends no Origin.
     */
    checkOrigin(req: IncomingMessage, via: 'cookie' | 'bearer'): void {
      // Another port on 127.0.0.1 is "same-site" for cookies, so only same-origin (or a direct visit) is accepted.
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') {
        throw new CoreError('cross_origin', 'Requests from other sites and pages are refused');
      }
      if (SAFE_METHODS.has(req.method ?? 'GET')) return;
      const origin = req.headers.origin;
      if (origin === undefined && via === 'bearer') return;
      if (!origin || !origins.has(origin))
        throw new CoreError('cross_origin', 'Changes are accepted only from the app itself');
    },
  };
}
export type LocalGuard = ReturnType<typeof localGuard>;
