import { LyceumClient, LyceumApiError, type Session } from '@lyceum/client';
import type { Translate } from '@lyceum/ui/i18n';
import type { MessageKey } from './i18n/catalogues.ts';

/** The console's client of the sync server (same origin), its session kept for this browser tab only. */
const KEY = 'lyceum.console.session';

function stored(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export const client = new LyceumClient({
  baseUrl: window.location.origin,
  session: stored(),
  onSession: (s) => {
    if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
    else sessionStorage.removeItem(KEY);
  },
});

export const accessToken = () => client.transport.session?.accessToken ?? null;

/** A readable sentence for any failure (the server's own message, or ours in the console's language). */
export function describeError(err: unknown, t: Translate<MessageKey>): string {
  if (err instanceof LyceumApiError) return err.code === 'network' ? t('error.network') : err.message;
  return err instanceof Error ? err.message : String(err);
}
