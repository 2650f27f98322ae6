import { AuthoringArgs, authoringNames, type AuthoringName } from './authoring.ts';
import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { Preferences } from './identity.ts';
import { LessonProgress, ProgressEventInput, QuizAttemptInput, QuizAttemptResult } from './progress.ts';
import { RatingInput } from './catalog.ts';
import { RedeemVoucherArgs } from './payment-offers.ts';
import { MarkNotificationsRead } from './notifications.ts';

/**
 * The sync protocol (ARCHITECTURE.md §4). Server-authoritative, offline-first:
 * - pull: changes after a cursor, in pages, for the caller's scope; tombstones for deletions; resyncRequired when
 *   the cursor is older than the change log keeps.
 * - push: client mutations from an outbox, in order, applied idempotently per device, answered one by one.
 */

/** A device: one installation of the desktop app for one user (client-generated UUID, kept in its store). */
export const DeviceId = Id;

// ---------- pull ----------

/** What a change is about. Payloads are the current server state at pull time (latest wins within a page). */
export const SyncEntity = z.enum([
  'course', // published catalog metadata (CourseSummary); everyone
  'course_detail', // full structure (CourseDetail as the caller may see it) of a course the caller is enrolled in or teaches
  'enrollment', // the caller's own enrollment (MyEnrollment)
  'lesson_progress', // the caller's merged lesson state (LessonProgress + courseId)
  'quiz_attempt', // the caller's own attempts (QuizAttemptResult without duplicate/courseCompleted)
  'preferences', // the caller's preferences
  'notification', // the caller's inbox entries (Notification); the snapshot keeps the newest 200
  'course_draft', // the working copy (CourseDraft) of a course the caller teaches, once authoring edits made one
]);
export type SyncEntity = z.infer<typeof SyncEntity>;

export const SyncChange = z
  .object({
    /**
     * Server-assigned, strictly increasing over the change log (numbered in commit order). In the pages of an initial
     * sync (a snapshot of the current state) every change carries the snapshot's head seq.
     */
    seq: z.number().int().positive(),
    entity: SyncEntity,
    /** The entity's id (course id, enrollment's course id, lesson id, attempt id, user id for preferences). */
    id: Text(),
    op: z.enum(['upsert', 'delete']),
    /**
     * The entity's current state for upserts (read at pull time, so possibly newer than `seq`; applying it again is
     * harmless); absent for tombstones. Shape by entity: course → CourseSummary, course_detail → CourseDetail,
     * enrollment → MyEnrollment, lesson_progress → SyncLessonProgress, quiz_attempt → SyncQuizAttempt,
     * preferences → Preferences. A tombstone also means "left your scope" (unenrolled, unpublished, no longer visible).
     */
    data: z.unknown().optional(),
  })
  .meta({ id: 'SyncChange' });
export type SyncChange = z.infer<typeof SyncChange>;

export const PullRequest = z
  .object({
    deviceId: DeviceId,
    /** Opaque cursor from the previous page; null for an initial sync. */
    cursor: Text().max(200).nullable(),
    limit: z.number().int().min(1).max(1000).default(500),
  })
  .strict();
export type PullRequest = z.infer<typeof PullRequest>;

export const PullResponse = z
  .object({
    changes: z.array(SyncChange),
    /** Where the next pull starts. The client stores it only after it applied the whole page. Empty when resyncRequired. */
    cursor: Text(),
    /** More changes wait after this page (always true on the last page of an initial sync: pull once more). */
    hasMore: z.boolean(),
    /** The cursor is older than the change log keeps (or unknown): drop the synced cache and pull from null. */
    resyncRequired: z.boolean(),
  })
  .meta({ id: 'PullResponse' });
export type PullResponse = z.infer<typeof PullResponse>;

// ---------- push ----------

/** Every mutation a device can queue offline. Enrollment, grading, publishing and payments stay server decisions. */
export const MutationName = z.enum([
  'recordProgress',
  'submitQuizAttempt',
  'enroll',
  'unenroll',
  'putPreferences',
  'rateCourse',
  'redeemVoucher',
  'markNotificationsRead',
  ...authoringNames,
]);
export type MutationName = z.infer<typeof MutationName>;

const mutationBase = {
  /** Client-generated UUIDv7: sending it again never applies it twice. */
  id: Id,
  /** Order of the mutation in the device's outbox (strictly increasing per device). */
  clientSeq: z.number().int().min(0),
  /** Device clock when it was made: data, never an ordering key. */
  createdAt: IsoDateTime,
};

/** An authoring mutation (authoring.ts): an edit of the instructor's draft, or publishing it. */
const authoring = <N extends AuthoringName>(name: N) =>
  z.object({ ...mutationBase, name: z.literal(name), args: AuthoringArgs[name] }).strict();

export const Mutation = z.discriminatedUnion('name', [
  z.object({ ...mutationBase, name: z.literal('recordProgress'), args: ProgressEventInput }).strict(),
  z.object({ ...mutationBase, name: z.literal('submitQuizAttempt'), args: QuizAttemptInput }).strict(),
  z
    .object({ ...mutationBase, name: z.literal('enroll'), args: z.object({ courseId: Id }).strict() })
    .strict(),
  z
    .object({ ...mutationBase, name: z.literal('unenroll'), args: z.object({ courseId: Id }).strict() })
    .strict(),
  z.object({ ...mutationBase, name: z.literal('putPreferences'), args: Preferences }).strict(),
  z
    .object({
      ...mutationBase,
      name: z.literal('rateCourse'),
      args: RatingInput.extend({ courseId: Id }).strict(),
    })
    .strict(),
  /**
   * A school voucher the device verified and unlocked offline. Applied once per code: a code another account used
   * first is rejected (voucher_used, …) with `details.courseId`, the course to lock again.
   */
  z.object({ ...mutationBase, name: z.literal('redeemVoucher'), args: RedeemVoucherArgs }).strict(),
  /** Read state made offline: `{ids}` (the user's own) or `{all: true}`; idempotent (first read time kept). */
  z
    .object({ ...mutationBase, name: z.literal('markNotificationsRead'), args: MarkNotificationsRead })
    .strict(),
  authoring('createCourse'),
  authoring('updateCourse'),
  authoring('addModule'),
  authoring('updateModule'),
  authoring('moveModule'),
  authoring('deleteModule'),
  authoring('addLesson'),
  authoring('updateLesson'),
  authoring('moveLesson'),
  authoring('deleteLesson'),
  authoring('putQuiz'),
  authoring('publishCourse'),
  authoring('unpublishCourse'),
  authoring('archiveCourse'),
]);
export type Mutation = z.infer<typeof Mutation>;

export const PushRequest = z
  .object({
    deviceId: DeviceId,
    /** In outbox order; at most 500 per request. */
    mutations: z.array(Mutation).max(500),
  })
  .strict();
export type PushRequest = z.infer<typeof PushRequest>;

/**
 * A pushed mutation the server could not read as a Mutation (a bad argument, an unknown name): only its id is needed
 * to answer it, rejected with validation_failed, while the push's other mutations are applied.
 */
export const UnreadableMutation = z
  .object({ id: Id })
  .loose()
  .transform((m) => ({
    id: m.id,
    // Read again only when it failed (rare): what was wrong, as a validation_failed answer's details list it.
    unreadable: (Mutation.safeParse(m).error?.issues ?? []).map((i) => ({
      path: i.path.map(String).join('.'),
      message: i.message,
      code: i.code,
    })),
  }));
export type UnreadableMutation = z.output<typeof UnreadableMutation>;

/** A push as the server receives it: each mutation is read on its own, so one bad mutation cannot refuse the batch. */
export const ReceivedPush = z
  .object({
    deviceId: DeviceId,
    /** In outbox order; at most 500 per request. A mutation that is not a valid Mutation is rejected alone. */
    mutations: z.array(z.union([Mutation, UnreadableMutation])).max(500),
  })
  .strict();
export type ReceivedPush = z.infer<typeof ReceivedPush>;

export const MutationResult = z
  .discriminatedUnion('status', [
    z.object({
      id: Id,
      status: z.literal('applied'),
      /** True when this id had been applied before (a retried push). */
      duplicate: z.boolean(),
      /**
       * What the server answered: the graded attempt (SyncQuizAttempt + courseCompleted) for submitQuizAttempt, the
       * enrollment for enroll, the preferences, the rating. None for recordProgress (the lesson state comes by pull).
       */
      result: z.unknown().optional(),
    }),
    z.object({
      id: Id,
      status: z.literal('rejected'),
      /** Machine-readable reason (an error code such as not_enrolled, attempts_exhausted, payment_required). */
      code: Text(),
      /** For the student: what happened and what they can do. */
      message: Text(),
      details: z.unknown().optional(),
    }),
  ])
  .meta({ id: 'MutationResult' });
export type MutationResult = z.infer<typeof MutationResult>;

/**
 * Results in mutation order. Fewer results than mutations: the server stopped at an unexpected error; the mutations
 * without a result were not applied, push them again later. `enroll` when already enrolled is applied (the wish
 * holds); a retried id answers its first result (duplicate: true) or the same rejection.
 */
export const PushResponse = z.object({ results: z.array(MutationResult) }).meta({ id: 'PushResponse' });
export type PushResponse = z.infer<typeof PushResponse>;

/** lesson_progress payload: the merged lesson state and its course. */
export const SyncLessonProgress = LessonProgress.extend({ courseId: Id }).meta({ id: 'SyncLessonProgress' });
export type SyncLessonProgress = z.infer<typeof SyncLessonProgress>;

/** quiz_attempt payload: the stored, server-graded attempt. */
export const SyncQuizAttempt = QuizAttemptResult.omit({ duplicate: true, courseCompleted: true }).meta({
  id: 'SyncQuizAttempt',
});
export type SyncQuizAttempt = z.infer<typeof SyncQuizAttempt>;

/**
 * socket.io (path /socket.io, handshake `auth: { token: <access token> }`; refused with the error message
 * `unauthenticated`, `invalid_token`, `token_expired` or `account_disabled`): the server emits this to a user's
 * room when something in their scope changed; the client pulls. `sync:ready` follows a connection once its rooms
 * are joined.
 */
export const SyncPokeEvent = 'sync:poke';
export const SyncPoke = z.object({ seq: z.number().int() });
