import type { Connectivity } from '../../contracts/app.ts';
import { useT } from '../i18n/use-t.ts';
import { useFormat } from '../lib/format.ts';

/** Always visible: whether the app reaches the server, and what the user is looking at when it does not. */
export function ConnectivityIndicator({ status }: { status: Connectivity | null }) {
  const t = useT();
  const f = useFormat();
  const state = status === null ? 'checking' : status.online ? 'online' : 'offline';
  const text =
    state === 'checking'
      ? t('connectivity.checking')
      : state === 'online'
        ? t('connectivity.online')
        : t('connectivity.offline');
  // Said after "Offline"; folded away visually in laptop-sized windows so the header stays on one line.
  const more = state === 'offline' ? t('connectivity.offlineMore') : '';
  const detail =
    status && !status.online
      ? t('connectivity.lastConnected', { ago: f.ago(status.lastContactAt) })
      : status?.online
        ? t('connectivity.connectedTo', { host: new URL(status.serverUrl).host })
        : '';
  return (
    <div
      className={`connectivity connectivity--${state}`}
      role="status"
      aria-live="polite"
      data-testid="connectivity"
      title={detail || undefined}
    >
      <span className="connectivity__dot" aria-hidden="true" />
      <span className="connectivity__text">
        {text}
        {more ? <span className="connectivity__more">{more}</span> : null}
      </span>
      {detail ? <span className="connectivity__detail">{detail}</span> : null}
    </div>
  );
}
