import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultPreferences } from '@lyceum/contracts';
import { openStore, type Store } from '../store/open.ts';
import { outboxRepo } from './outbox.ts';
import { syncPhaseOf, syncStatusOf } from './status.ts';

/** What the sync indicator is told: pending changes counted in the student's terms, and whether "synced" is known. */

const user = randomUUID();
const course = randomUUID();
const otherCourse = randomUUID();
const [video, reading, exam] = [randomUUID(), randomUUID(), randomUUID()];
const at = () => new Date().toISOString();

let store: Store | null = null;
afterEach(() => {
  store?.close();
  store = null;
});

function outboxWith() {
  store = openStore(':memory:');
  return outboxRepo(store.db);
}

const progress = (lessonId: string, extra: object = {}) =>
  ({
    name: 'recordProgress',
    args: { id: randomUUID(), courseId: course, lessonId, occurredAt: at(), ...extra },
  }) as const;
const attempt = (lessonId: string) =>
  ({
    name: 'submitQuizAttempt',
    args: { id: randomUUID(), courseId: course, lessonId, answers: {}, submittedAt: at() },
  }) as const;

const status = (
  outbox: ReturnType<typeof outboxRepo>,
  over: Partial<Parameters<typeof syncStatusOf>[0]> = {},
) =>
  syncStatusOf({
    outbox,
    userId: user,
    online: true,
    syncing: false,
    lastSyncAt: null,
    lastAttemptAt: null,
    lastError: null,
    socketConnected: false,
    confirmed: true,
    ...over,
  });

describe('pending changes in the student terms', () => {
  it('counts lessons (not progress events), quiz attempts, preferences once, ratings by course', () => {
    const outbox = outboxWith();
    // An hour of video is many position reports in one lesson.
    for (let i = 0; i < 12; i++) outbox.append(user, progress(video, { positionSeconds: i * 10 }));
    outbox.append(user, progress(reading, { completed: true }));
    outbox.append(user, progress(exam, { positionSeconds: 1 }));
    for (let i = 0; i < 3; i++) outbox.append(user, attempt(exam));
    outbox.append(user, { name: 'putPreferences', args: { ...defaultPreferences, playbackSpeed: 1.5 } });
    outbox.append(user, { name: 'putPreferences', args: { ...defaultPreferences, playbackSpeed: 2 } });
    outbox.append(user, { name: 'rateCourse', args: { courseId: course, stars: 4, review: '' } });
    outbox.append(user, { name: 'rateCourse', args: { courseId: course, stars: 5, review: '' } });
    outbox.append(user, { name: 'rateCourse', args: { courseId: otherCourse, stars: 3, review: '' } });
    // Another account's change on this device is not this student's to count.
    outbox.append(randomUUID(), progress(randomUUID()));

    const s = status(outbox);
    expect(s.pendingByKind).toEqual({
      lessons: 3,
      quizAttempts: 3,
      preferences: 1,
      ratings: 2,
      enrollments: 0,
    });
    expect(s.pending).toBe(12 + 2 + 3 + 2 + 3);
    expect(s.phase).toBe('waiting');
  });

  it('settled changes are not waiting any more', () => {
    const outbox = outboxWith();
    const done = outbox.append(user, attempt(exam));
    const refused = outbox.append(user, attempt(exam));
    outbox.append(user, attempt(exam));
    outbox.settle({ id: done.id, status: 'applied', duplicate: false, result: null });
    outbox.settle({ id: refused.id, status: 'rejected', code: 'attempts_exhausted', message: 'No more' });
    const s = status(outbox);
    expect(s.pendingByKind.quizAttempts).toBe(1);
    expect(s.pending).toBe(1);
    expect(s.rejected.map((r) => r.code)).toEqual(['attempts_exhausted']);
  });
});

describe('whether "synced" may be said', () => {
  const base = { signedIn: true, online: true, syncing: false, confirmed: true, lastError: null, pending: 0 };

  it('only when online, a sync since start and since the connection came back finished, and nothing waits', () => {
    expect(syncPhaseOf(base)).toBe('synced');
    expect(syncPhaseOf({ ...base, online: false })).toBe('offline');
    expect(syncPhaseOf({ ...base, confirmed: false })).toBe('checking');
    expect(syncPhaseOf({ ...base, syncing: true })).toBe('syncing');
    expect(syncPhaseOf({ ...base, lastError: 'The server answered 500' })).toBe('failed');
    expect(syncPhaseOf({ ...base, pending: 2 })).toBe('waiting');
    expect(syncPhaseOf({ ...base, signedIn: false })).toBe('signed_out');
  });

  it('offline, an earlier confirmation does not count', () => {
    const outbox = outboxWith();
    const s = status(outbox, { online: false, confirmed: true, lastSyncAt: at() });
    expect(s).toMatchObject({ confirmed: false, phase: 'offline' });
  });
});
