import { useId, useRef, useState, type KeyboardEvent } from 'react';
import { useIntl } from 'react-intl';
import type { MessageKey } from '../i18n/catalogues.ts';
import { localAdvice, localError } from '../i18n/errors.ts';
import { useT } from '../i18n/use-t.ts';
import { useConnectivity } from '../lib/connectivity.tsx';
import { useFormat } from '../lib/format.ts';
import { useSync } from '../lib/sync.tsx';
import { syncSummary } from '../lib/sync-summary.ts';
import { Button } from './Button.tsx';

/**
 * Always visible: what is waiting to sync in the student's terms, whether it is known to be on the server (green only
 * then), the last successful sync, and refused changes.
 */
export function SyncIndicator() {
  const { status, syncNow, dismiss } = useSync();
  const connectivity = useConnectivity().status;
  const intl = useIntl();
  const t = useT();
  const f = useFormat();
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
  // The header's connectivity and the pill never disagree: offline there is offline here.
  const online = status.online && connectivity?.online !== false;
  const { tone, text, waiting } = syncSummary(intl, status, online);
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
        title={text}
        onClick={() => setOpen((o) => !o)}
      >
        <span className="sync__dot" aria-hidden="true" />
        <span role="status" aria-live="polite" data-testid="sync-summary" data-tone={tone}>
          {text}
          {rejected ? ` · ${t('sync.pill.refused', { count: rejected })}` : ''}
        </span>
      </button>
      {open ? (
        <div id={panelId} className="sync__panel" role="region" aria-label={t('sync.panel.label')}>
          <p>
            {online ? t('sync.panel.online') : t('sync.panel.offline')} ·{' '}
            <span data-testid="sync-last">
              {t('sync.panel.lastSync', {
                when: status.lastSyncAt ? f.ago(status.lastSyncAt) : t('sync.panel.notYet'),
              })}
            </span>
          </p>
          <p data-testid="sync-pending">
            {waiting ? t('sync.panel.waiting', { what: waiting }) : t('sync.panel.nothingWaiting')}
            {status.live ? ` · ${t('sync.panel.live')}` : ''}
          </p>
          {status.lastError ? (
            <p className="sync__error">{t('sync.panel.lastError', { error: status.lastError })}</p>
          ) : null}
          <Button onClick={run} busy={busy} busyLabel={t('sync.pill.syncing')} disabled={!online}>
            {t('sync.panel.syncNow')}
          </Button>
          {!online ? <p className="muted">{t('sync.panel.resumes')}</p> : null}
          {rejected ? (
            <>
              <h2 className="sync__heading">{t('sync.panel.refusedHeading')}</h2>
              <ul className="sync__rejections">
                {status.rejected.map((r) => (
                  <li key={r.id} className="sync__rejection" data-testid="rejected-change">
                    <p>
                      {t('sync.panel.refusedWhat', {
                        what: t(`sync.what.${r.name}` as MessageKey),
                        when: f.ago(r.createdAt),
                        message: localError(r.code, r.message),
                      })}
                    </p>
                    <p className="muted">
                      {t('sync.panel.whatToDo', { action: localAdvice(r.code, r.action) })}
                    </p>
                    <Button variant="ghost" onClick={() => void dismiss(r.id)}>
                      {t('sync.panel.dismiss')}
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
