import { useEffect, useState } from 'react';

/** The app's screens, from the location path. */
export type Route =
  | { name: 'catalog' }
  | { name: 'course'; id: string }
  | { name: 'preview'; id: string; lessonId: string }
  | { name: 'learning' }
  | { name: 'study'; id: string }
  | { name: 'lesson'; id: string; lessonId: string }
  | { name: 'preferences' }
  | { name: 'purchases' }
  | { name: 'teach' }
  | { name: 'teach-course'; id: string }
  | { name: 'teach-earnings' }
  | { name: 'teach-new' }
  | { name: 'teach-edit'; id: string }
  | { name: 'notifications' }
  | { name: 'upcoming' }
  | { name: 'notification-settings' }
  | { name: 'not-found' };

const UUID = '([0-9a-fA-F-]{36})';

export function parseRoute(pathname: string): Route {
  if (pathname === '/' || pathname === '') return { name: 'catalog' };
  const m = /^\/courses\/([0-9a-fA-F-]{36})\/?$/.exec(pathname);
  if (m?.[1]) return { name: 'course', id: m[1] };
  const p = new RegExp(`^/courses/${UUID}/lessons/${UUID}/?$`).exec(pathname);
  if (p?.[1] && p[2]) return { name: 'preview', id: p[1], lessonId: p[2] };
  if (/^\/learning\/?$/.test(pathname)) return { name: 'learning' };
  if (/^\/preferences\/?$/.test(pathname)) return { name: 'preferences' };
  if (/^\/purchases\/?$/.test(pathname)) return { name: 'purchases' };
  if (/^\/teach\/?$/.test(pathname)) return { name: 'teach' };
  if (/^\/teach\/earnings\/?$/.test(pathname)) return { name: 'teach-earnings' };
  if (/^\/notifications\/?$/.test(pathname)) return { name: 'notifications' };
  if (/^\/upcoming\/?$/.test(pathname)) return { name: 'upcoming' };
  if (/^\/preferences\/notifications\/?$/.test(pathname)) return { name: 'notification-settings' };
  if (/^\/teach\/new\/?$/.test(pathname)) return { name: 'teach-new' };
  const te = new RegExp(`^/teach/${UUID}/edit/?$`).exec(pathname);
  if (te?.[1]) return { name: 'teach-edit', id: te[1] };
  const t = new RegExp(`^/teach/${UUID}/?$`).exec(pathname);
  if (t?.[1]) return { name: 'teach-course', id: t[1] };
  const s = new RegExp(`^/learn/${UUID}/?$`).exec(pathname);
  if (s?.[1]) return { name: 'study', id: s[1] };
  const l = new RegExp(`^/learn/${UUID}/lessons/${UUID}/?$`).exec(pathname);
  if (l?.[1] && l[2]) return { name: 'lesson', id: l[1], lessonId: l[2] };
  return { name: 'not-found' };
}

const listeners = new Set<() => void>();

/** Go to an app path (history entry), or replace the current one (filters typed into the URL). */
export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', to);
  else history.pushState(null, '', to);
  for (const l of listeners) l();
}

/** The current location, re-rendered on navigation and on back/forward. */
export function useLocation(): { pathname: string; search: string } {
  const read = () => ({ pathname: location.pathname, search: location.search });
  const [loc, setLoc] = useState(read);
  useEffect(() => {
    const update = () => setLoc(read());
    listeners.add(update);
    addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      removeEventListener('popstate', update);
    };
  }, []);
  return loc;
}

/** The catalog search last shown, so "Back to catalog" returns to the same results. */
export const lastCatalog = { search: '' };
