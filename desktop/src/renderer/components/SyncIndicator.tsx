import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { formatAgo } from '../lib/format.ts';
import { useSync } from '../lib/sync.tsx';
import { Button } from './Button.tsx';

/** Always visible: online/offline, changes waiting to sync, the last successful sync, and refused changes. */
export function SyncIndicator() {
  const { status, syncNow, dismiss } = useSync();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const panelId = useId();
  const toggleRef = useRef<HTMLButtonElement>(null);
  if (!status?.signedIn) return null;
  // Escape closes the panel and gives focus back to its button.
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && open) {
      setOpen(false);
      toggleRef.current?.focus();
    }
  };
  const rejected = status.rejected.length;
  const tone = rejected
    ? 'error'
    : !status.online
      ? 'offline'
      : status.pending || status.syncing
        ? 'busy'
        : 'ok';
  const summary = !status.online
    ? status.pending
      ? `Offline · ${status.pending} ${status.pending === 1 ? 'change' : 'changes'} saved on this device`
      : 'Offline · your work is saved on this device'
    : status.syncing
      ? 'Syncing…'
      : status.pending
        ? `${status.pending} ${status.pending === 1 ? 'change' : 'changes'} waiting to sync`
        : 'All changes synced';
  const run = async () => {
    setBusy(true);
    try {
      await syncNow();
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className={`sync sync--${tone}`} data-testid="sync-indicator" onKeyDown={onKeyDown}>
      <button
        ref={toggleRef}
        type="button"
        className="sync__toggle"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="sync__dot" aria-hidden="true" />
        <span role="status" aria-live="polite" data-testid="sync-summary">
          {summary}
          {rejected ? ` · ${rejected} refused` : ''}
        </span>
      </button>
      {open ? (
        <div id={panelId} className="sync__panel" role="region" aria-label="Sync details">
          <p>
            {status.online ? 'Online' : 'Offline'} · Last successful sync:{' '}
            <span data-testid="sync-last">
              {status.lastSyncAt ? formatAgo(status.lastSyncAt) : 'not yet'}
            </span>
          </p>
          <p>
            Pending changes: <span data-testid="sync-pending">{status.pending}</span>
            {status.live ? ' · live updates on' : ''}
          </p>
          {status.lastError ? <p className="sync__error">Last sync failed: {status.lastError}</p> : null}
          <Button onClick={run} busy={busy} busyLabel="Syncing…" disabled={!status.online}>
            Sync now
          </Button>
          {!status.online ? (
            <p className="muted">Syncing resumes by itself when the connection is back.</p>
          ) : null}
          {rejected ? (
            <>
              <h2 className="sync__heading">Changes the server refused</h2>
              <ul className="sync__rejections">
                {status.rejected.map((r) => (
                  <li key={r.id} className="sync__rejection" data-testid="rejected-change">
                    <p>
                      <strong>{r.what}</strong> from {formatAgo(r.createdAt)}: {r.message}
                    </p>
                    <p className="muted">What you can do: {r.action}</p>
                    <Button variant="ghost" onClick={() => void dismiss(r.id)}>
                      Dismiss
                    </Button>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}
