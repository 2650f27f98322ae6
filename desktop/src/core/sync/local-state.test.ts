import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { defaultPreferences, type Mutation } from '@lyceum/contracts';
import { catalogCache } from '../store/catalog-cache.ts';
import { openStore } from '../store/open.ts';
import { detail } from '../../test-support/factories.ts';
import { applyChange } from './apply-changes.ts';
import { applyMutationLocally, readLesson, readPreferences, resetLessonToServer } from './local-state.ts';
import { outboxRepo } from './outbox.ts';

const userId = randomUUID();
const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

function setup() {
  const store = openStore(':memory:');
  const course = detail();
  const lessonId = course.modules[0]!.lessons[0]!.id;
  return {
    store,
    db: store.db,
    course,
    lessonId,
    outbox: outboxRepo(store.db),
    cache: catalogCache(store.db),
  };
}

describe('optimistic local state', () => {
  it('applies a mutation once however often it is replayed', () => {
    const { db, course, lessonId, outbox } = setup();
    const m = outbox.append(userId, {
      name: 'recordProgress',
      args: {
        id: randomUUID(),
        courseId: course.id,
        lessonId,
        positionSeconds: 30,
        watchedIntervals: [[0, 30]],
        occurredAt: at(1),
      },
    });
    applyMutationLocally(db, m);
    const once = readLesson(db, lessonId);
    applyMutationLocally(db, m);
    applyMutationLocally(db, m);
    expect(readLesson(db, lessonId)).toEqual(once);
    expect(once).toMatchObject({ positionSeconds: 30, watchedIntervals: [[0, 30]], completed: false });
  });

  it('replays pending mutations on top of pulled server state, and goes back to it after a rejection', () => {
    const { db, course, lessonId, outbox, cache } = setup();
    const pending: Mutation = outbox.append(userId, {
      name: 'recordProgress',
      args: {
        id: randomUUID(),
        courseId: course.id,
        lessonId,
        watchedIntervals: [[50, 60]],
        completed: true,
        occurredAt: at(5),
      },
    });
    applyMutationLocally(db, pending);
    // The server's state arrives (it does not know the pending event yet): it replaces the row, then the replay.
    applyChange(
      { db, cache, userId, now: at(9) },
      {
        seq: 1,
        entity: 'lesson_progress',
        id: lessonId,
        op: 'upsert',
        data: {
          courseId: course.id,
          lessonId,
          positionSeconds: 10,
          watchedIntervals: [[0, 10]],
          watchedSeconds: 10,
          completed: false,
          completedAt: null,
          lastActivityAt: at(2),
        },
      },
    );
    expect(readLesson(db, lessonId)?.completed).toBe(false);
    for (const m of outbox.pending(userId)) applyMutationLocally(db, m);
    expect(readLesson(db, lessonId)).toMatchObject({
      watchedIntervals: [
        [0, 10],
        [50, 60],
      ],
      completed: true,
      positionSeconds: 10,
    });
    // Rejected: back to exactly the server's state.
    resetLessonToServer(db, lessonId);
    expect(readLesson(db, lessonId)).toMatchObject({ watchedIntervals: [[0, 10]], completed: false });
  });

  it('keeps preferences changed offline over older pulled ones until the server has them', () => {
    const { db, outbox, cache } = setup();
    const mine = { ...defaultPreferences, playbackSpeed: 2 };
    const m = outbox.append(userId, { name: 'putPreferences', args: mine });
    applyMutationLocally(db, m);
    applyChange(
      { db, cache, userId, now: at(1) },
      { seq: 2, entity: 'preferences', id: userId, op: 'upsert', data: defaultPreferences },
    );
    expect(readPreferences(db).playbackSpeed).toBe(1);
    for (const p of outbox.pending(userId)) applyMutationLocally(db, p);
    expect(readPreferences(db).playbackSpeed).toBe(2);
    expect(outbox.pendingCount(userId)).toBe(1);
    outbox.settle({ id: m.id, status: 'applied', duplicate: false });
    expect(outbox.pendingCount(userId)).toBe(0);
  });

  it('gives outbox mutations UUIDv7 ids and increasing client sequence numbers', () => {
    const { outbox } = setup();
    const a = outbox.append(userId, { name: 'putPreferences', args: defaultPreferences });
    const b = outbox.append(userId, { name: 'putPreferences', args: defaultPreferences });
    expect(a.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(b.clientSeq).toBeGreaterThan(a.clientSeq);
    expect(b.id > a.id).toBe(true);
  });
});
