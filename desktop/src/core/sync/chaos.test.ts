import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CourseDetail, Preferences, QuizAttemptList, StudentCourseProgress } from '@lyceum/contracts';
import { startChaosProxy } from '@lyceum/testing';
import { lessonsOf, openDevice, studyCourse } from '../../test-support/study-course.ts';
import {
  removeDir,
  serverHasSync,
  startSyncServer,
  type Account,
  type SyncServerProcess,
} from '../../test-support/sync-server.ts';
import type { Core } from '../core.ts';

/**
 * Chaos: 20 devices (10 students with two devices each) study and sync through a proxy that refuses, drops,
 * cuts and delays requests at random. At the end every mutation is applied exactly once on the server and every
 * device shows the server's state.
 */
const STUDENTS = 10;
const ROUNDS = 10;

type Device = Core & { dataDir: string };
interface Learner {
  account: Account;
  devices: Device[];
}

let server: SyncServerProcess;
let chaos: Awaited<ReturnType<typeof startChaosProxy>>;
let course: CourseDetail;
const learners: Learner[] = [];

/** Retry an operation that goes through the chaos proxy until it succeeds. */
async function persist<T>(op: () => Promise<T>, tries = 40): Promise<T> {
  let last: unknown;
  for (let i = 0; i < tries; i++) {
    try {
      return await op();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw last;
}

beforeAll(async () => {
  if (!serverHasSync) return;
  server = await startSyncServer();
  const teacher = await server.user('instructor');
  course = await server.publishedCourse(teacher, studyCourse('Chaos course'));
  chaos = await startChaosProxy({
    target: server.url,
    refuse: 0.15,
    dropResponse: 0.15,
    cutBody: 0.1,
    maxDelayMs: 150,
    seed: 20261124,
  });
  for (let s = 0; s < STUDENTS; s++) {
    const account = await server.user('student', `Chaos student ${s}`);
    const enrolled = await server.api('POST', `/api/v1/courses/${course.id}/enrollment`, {
      token: account.token,
    });
    expect(enrolled.status).toBe(201);
    const devices: Device[] = [];
    for (let k = 0; k < 2; k++) {
      const d = await openDevice(chaos.url);
      await persist(() => d.session.signIn({ email: account.email, password: account.password }));
      devices.push(d);
    }
    learners.push({ account, devices });
  }
}, 300_000);

afterAll(async () => {
  for (const l of learners)
    for (const d of l.devices) {
      await d.close();
      removeDir(d.dataDir);
    }
  await chaos?.close();
  await server?.stop();
  if (server) removeDir(server.dataDir);
});

const syncQuietly = (d: Device) => d.sync.syncNow().catch(() => undefined);

describe.skipIf(!serverHasSync)('sync under chaos', () => {
  it('applies every mutation exactly once and converges every device', async () => {
    const L = lessonsOf(course);
    const lessonIds = [L.read, L.more];
    let pseudo = 7;
    const next = () => (pseudo = (pseudo * 48271) % 2147483647) / 2147483647;

    // The course reaches every device through a (chaotic) sync before study starts.
    for (let i = 0; i < 20; i++) {
      await Promise.all(learners.flatMap((l) => l.devices.map(syncQuietly)));
      const ready = learners.every((l) =>
        l.devices.every((d) => d.learning.list().items.some((e) => e.courseId === course.id)),
      );
      if (ready) break;
    }

    for (let round = 0; round < ROUNDS; round++) {
      for (const l of learners) {
        for (const d of l.devices) {
          const roll = next();
          if (roll < 0.4) d.learning.complete(course.id, lessonIds[Math.floor(next() * lessonIds.length)]!);
          else if (roll < 0.8)
            d.learning.submitAttempt(course.id, L.practice, { answers: L.practiceAnswers(next() < 0.5) });
          else {
            const prefs: Preferences = d.learning.preferences();
            d.learning.putPreferences({
              ...prefs,
              playbackSpeed: [1, 1.25, 1.5, 2][Math.floor(next() * 4)]!,
            });
          }
        }
      }
      await Promise.all(learners.flatMap((l) => l.devices.map(syncQuietly)));
    }

    // Calm the network and let everything settle.
    chaos.calm();
    for (let i = 0; i < 10; i++) {
      await Promise.all(learners.flatMap((l) => l.devices.map(syncQuietly)));
      if (learners.every((l) => l.devices.every((d) => d.sync.status().pending === 0))) break;
    }
    // One more pass so each device also pulls what its twin pushed last.
    for (const l of learners) for (const d of l.devices) await d.sync.syncNow();

    expect(chaos.stats.refused + chaos.stats.droppedResponses + chaos.stats.cutBodies).toBeGreaterThan(20);
    const total = learners.reduce(
      (n, l) => n + l.devices.reduce((m, d) => m + d.sync.outbox.all(l.account.id).length, 0),
      0,
    );
    console.log(`[chaos] ${total} mutations from 20 devices; proxy: ${JSON.stringify(chaos.stats)}`);

    for (const l of learners) {
      const entries = l.devices.flatMap((d) => d.sync.outbox.all(l.account.id));
      expect(entries.filter((e) => e.status !== 'applied')).toEqual([]);
      const byName = (n: string) =>
        entries
          .filter((e) => e.name === n)
          .map((e) => e.id)
          .sort();

      // Exactly once on the server: it recorded each of the devices' mutation ids once, as applied, and holds one
      // progress event per progress mutation and one attempt per attempt mutation (a duplicate or a loss would show).
      const recorded = await server.sql('SELECT mutation_id, status FROM sync_mutations WHERE user_id = $1', [
        l.account.id,
      ]);
      expect(recorded.map((r) => String(r.mutation_id)).sort()).toEqual(entries.map((e) => e.id).sort());
      expect(recorded.every((r) => r.status === 'applied')).toBe(true);
      const events = await server.sql('SELECT count(*)::int AS n FROM progress_events WHERE user_id = $1', [
        l.account.id,
      ]);
      expect(events[0]!.n).toBe(byName('recordProgress').length);
      const attempts = await server.api<QuizAttemptList>(
        'GET',
        `/api/v1/me/courses/${course.id}/quiz-attempts`,
        { token: l.account.token },
      );
      expect(attempts.body.items.length).toBe(byName('submitQuizAttempt').length);
      const numbers = attempts.body.items.map((a) => a.attemptNumber).sort((a, b) => a - b);
      expect(numbers).toEqual(numbers.map((_, i) => i + 1));

      // Convergence: both devices show what the server holds.
      const progress = await server.api<StudentCourseProgress>(
        'GET',
        `/api/v1/me/courses/${course.id}/progress`,
        { token: l.account.token },
      );
      const serverDone = progress.body.lessons
        .filter((x) => x.completed)
        .map((x) => x.lessonId)
        .sort();
      const serverPrefs = await server.api<Preferences>('GET', '/api/v1/me/preferences', {
        token: l.account.token,
      });
      for (const d of l.devices) {
        const local = d.learning.course(course.id).lessons;
        const localDone = Object.entries(local)
          .filter(([, s]) => s.completed)
          .map(([id]) => id)
          .sort();
        expect(localDone).toEqual(serverDone);
        const localAttempts = d.learning.lesson(course.id, L.practice).attempts;
        expect(
          localAttempts
            .filter((a) => a.state === 'graded')
            .map((a) => a.id)
            .sort(),
        ).toEqual(
          attempts.body.items
            .filter((a) => a.lessonId === L.practice)
            .map((a) => a.id)
            .sort(),
        );
        expect(d.learning.preferences().playbackSpeed).toBe(serverPrefs.body.playbackSpeed);
      }
    }
  }, 600_000);
});
