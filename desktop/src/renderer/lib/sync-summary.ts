import type { IntlShape } from 'react-intl';
import type { PendingCounts, SyncStatus } from '../../contracts/sync-status.ts';
import type { MessageKey } from '../i18n/catalogues.ts';

/** The indicator's colour: green (`ok`) only when everything is known to be on the server. */
export type SyncTone = 'ok' | 'busy' | 'offline' | 'unknown' | 'error';

export interface SyncSummary {
  tone: SyncTone;
  /** What the pill says. */
  text: string;
  /** The changes waiting, in the student's terms ("4 lessons and 3 quiz attempts"), or null when none. */
  waiting: string | null;
}

type Intl = Pick<IntlShape, 'formatMessage' | 'formatList'>;

const KINDS: [keyof PendingCounts, MessageKey][] = [
  ['lessons', 'sync.kind.lessons'],
  ['quizAttempts', 'sync.kind.quizAttempts'],
  ['preferences', 'sync.kind.preferences'],
  ['ratings', 'sync.kind.ratings'],
  ['enrollments', 'sync.kind.enrollments'],
];

/** "4 lessons and 3 quiz attempts": each kind with its plural, joined as the language joins a list (null: nothing). */
export function describePending(intl: Intl, counts: PendingCounts): string | null {
  const parts = KINDS.filter(([k]) => counts[k] > 0).map(([k, id]) =>
    intl.formatMessage({ id }, { count: counts[k] }),
  );
  return parts.length ? intl.formatList(parts, { type: 'conjunction' }) : null;
}

/**
 * What the sync pill says. `online` is what the rest of the header shows (the pill never disagrees with it), and the
 * green "synced" needs the core's word that a sync since start and since the connection came back finished.
 */
export function syncSummary(intl: Intl, status: SyncStatus, online: boolean): SyncSummary {
  const t = (id: MessageKey, values?: Record<string, string | number>) => intl.formatMessage({ id }, values);
  const waiting =
    describePending(intl, status.pendingByKind) ??
    (status.pending ? t('sync.kind.changes', { count: status.pending }) : null);
  const tone = (base: SyncTone): SyncTone => (status.rejected.length ? 'error' : base);
  const phase = online ? status.phase : 'offline';
  switch (phase) {
    case 'offline':
      return {
        tone: tone('offline'),
        text: waiting ? t('sync.pill.offlineWaiting', { what: waiting }) : t('sync.pill.offline'),
        waiting,
      };
    case 'syncing':
      return { tone: tone('busy'), text: t('sync.pill.syncing'), waiting };
    case 'failed':
      return {
        tone: tone('unknown'),
        text: waiting ? t('sync.pill.failedWaiting', { what: waiting }) : t('sync.pill.failed'),
        waiting,
      };
    case 'waiting':
      return { tone: tone('busy'), text: t('sync.pill.waiting', { what: waiting ?? '' }), waiting };
    case 'synced':
      return { tone: tone('ok'), text: t('sync.pill.synced'), waiting };
    case 'checking':
    case 'signed_out':
      return {
        tone: tone('unknown'),
        text: status.lastSyncAt === null ? t('sync.pill.notYet') : t('sync.pill.checking'),
        waiting,
      };
  }
}
