import type { Connectivity } from '../../core/schemas.ts';
import { formatAgo } from '../lib/format.ts';

/** Always visible: whether the app reaches the server, and what the user is looking at when it does not. */
export function ConnectivityIndicator({ status }: { status: Connectivity | null }) {
  const state = status === null ? 'checking' : status.online ? 'online' : 'offline';
  const text = state === 'checking' ? 'Connecting…' : state === 'online' ? 'Online' : 'Offline';
  // Said after "Offline"; folded away visually in laptop-sized windows so the header stays on one line.
  const more = state === 'offline' ? ' — showing saved catalog' : '';
  const detail =
    status && !status.online
      ? `Last connected ${formatAgo(status.lastContactAt)}`
      : status?.online
        ? `Connected to ${new URL(status.serverUrl).host}`
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
