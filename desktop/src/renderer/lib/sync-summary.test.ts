import { describe, expect, it } from 'vitest';
import { createIntl } from 'react-intl';
import type { PendingCounts, SyncStatus } from '../../contracts/sync-status.ts';
import { catalogues } from '../i18n/catalogues.ts';
import { describePending, syncSummary } from './sync-summary.ts';

/** The sync pill's words, through the real catalogues (ICU plurals, the language's list joining). */

const intlFor = (locale: 'en' | 'fr' | 'es') =>
  createIntl({ locale, defaultLocale: 'en', messages: catalogues[locale] });
const en = intlFor('en');

const none: PendingCounts = { lessons: 0, quizAttempts: 0, preferences: 0, ratings: 0, enrollments: 0 };
const status = (over: Partial<SyncStatus> = {}): SyncStatus => {
  const pendingByKind = over.pendingByKind ?? none;
  return {
    signedIn: true,
    online: true,
    syncing: false,
    pending: Object.values(pendingByKind).reduce((a, b) => a + b, 0),
    pendingByKind,
    confirmed: true,
    phase: 'synced',
    lastSyncAt: '2026-12-07T10:00:00.000Z',
    lastAttemptAt: '2026-12-07T10:00:00.000Z',
    lastError: null,
    live: false,
    rejected: [],
    ...over,
  };
};

describe('what is waiting, in the student terms', () => {
  it('names each kind with its plural and joins them as a list', () => {
    expect(describePending(en, { ...none, lessons: 4, quizAttempts: 3 })).toBe(
      '4 lessons and 3 quiz attempts',
    );
    expect(describePending(en, { ...none, lessons: 1, quizAttempts: 1 })).toBe('1 lesson and 1 quiz attempt');
    expect(describePending(en, { ...none, lessons: 2, preferences: 1, ratings: 1 })).toBe(
      '2 lessons, your preferences, and 1 course rating',
    );
    expect(describePending(en, none)).toBeNull();
    expect(describePending(intlFor('fr'), { ...none, lessons: 1, quizAttempts: 2 })).toBe(
      '1 leçon et 2 tentatives de quiz',
    );
    expect(describePending(intlFor('es'), { ...none, lessons: 3, quizAttempts: 1 })).toBe(
      '3 lecciones y 1 intento de cuestionario',
    );
  });
});

describe('the sync pill', () => {
  const waiting = { ...none, lessons: 4, quizAttempts: 3 };

  it('says "synced" in green only when the core knows it, online', () => {
    expect(syncSummary(en, status(), true)).toMatchObject({ tone: 'ok', text: 'All changes synced' });
    // The header already says offline, the core has not noticed yet: offline here too.
    expect(syncSummary(en, status(), false)).toMatchObject({
      tone: 'offline',
      text: 'Offline — your work is saved on this device',
    });
    expect(syncSummary(en, status({ phase: 'checking', confirmed: false }), true)).toMatchObject({
      tone: 'unknown',
      text: 'Checking…',
    });
    expect(
      syncSummary(en, status({ phase: 'checking', confirmed: false, lastSyncAt: null }), true),
    ).toMatchObject({ tone: 'unknown', text: 'Not synced yet' });
    expect(syncSummary(en, status({ phase: 'failed', lastError: 'boom' }), true).tone).toBe('unknown');
  });

  it('says what is waiting, online and offline', () => {
    expect(syncSummary(en, status({ phase: 'waiting', pendingByKind: waiting }), true)).toMatchObject({
      tone: 'busy',
      text: '4 lessons and 3 quiz attempts waiting to sync',
    });
    expect(
      syncSummary(en, status({ phase: 'offline', online: false, pendingByKind: waiting }), false),
    ).toMatchObject({
      tone: 'offline',
      text: "Offline — 4 lessons and 3 quiz attempts will sync when you're back online",
    });
    expect(
      syncSummary(
        en,
        status({ phase: 'offline', online: false, pendingByKind: { ...none, lessons: 1 } }),
        false,
      ).text,
    ).toBe("Offline — 1 lesson will sync when you're back online");
  });
});
