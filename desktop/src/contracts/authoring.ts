import { z } from 'zod';
import { AuthoringArgs, CourseCreate, CourseDraft, IsoDateTime, PublishProblem } from '@lyceum/contracts';
import { TeachUpload } from './teaching.ts';

/**
 * The local API of course authoring in Teach (issue 15), shared by the core and the renderer. Nothing here imports
 * Node. Every route works offline: drafts live in the device's SQLite, each edit is queued in the sync outbox and
 * pushed when the server can be reached.
 *
 *   GET  /api/teach/drafts                                         → DraftList
 *   POST /api/teach/drafts                  DraftCreateBody        → 201 DraftCreated
 *   GET  /api/teach/drafts/:courseId                               → DraftView
 *   POST /api/teach/drafts/:courseId/edits  DraftEditBody          → 202 DraftEditAccepted
 *   POST /api/teach/drafts/:courseId/publish                       → 202 PublishAccepted
 *   POST /api/teach/drafts/:courseId/unpublish                     → 202 PublishAccepted
 *   POST /api/teach/drafts/:courseId/archive                       → 202 PublishAccepted
 *   GET  /api/teach/conflicts                                      → ConflictList
 *   POST /api/teach/drafts/:courseId/conflicts/:conflictId/resolve ConflictResolveBody → ConflictResolved
 *
 * Errors: { error: { code, message, details? } }: 400 validation_failed (bad body; details list the problems),
 * 404 not_found (no such draft or conflict on this device), 401 unauthenticated (nobody signed in), 403 forbidden
 * (the signed-in user does not teach the course).
 */

export const DraftParams = z.object({ courseId: z.uuid() }).strict();
export const ConflictParams = z.object({ courseId: z.uuid(), conflictId: z.uuid() }).strict();

/** One course in the instructor's list (from SQLite). */
export const DraftSummary = z.object({
  courseId: z.string(),
  title: z.string(),
  status: CourseDraft.shape.status,
  /** The server's draft version this device last knew (0: created on this device, not yet on the server). */
  version: z.number().int(),
  /** Edits made on this device that the server has not applied yet. */
  pendingEdits: z.number().int().nonnegative(),
  /** Conflicts waiting for the instructor's choice. */
  conflicts: z.number().int().nonnegative(),
  updatedAt: IsoDateTime,
});
export type DraftSummary = z.infer<typeof DraftSummary>;

export const DraftList = z.object({ drafts: z.array(DraftSummary) });
export type DraftList = z.infer<typeof DraftList>;

/** A new course's details (the structure is added by edits). The id is made on the device. */
export const DraftDetails = CourseCreate.omit({ modules: true, instructorIds: true });
export type DraftDetails = z.infer<typeof DraftDetails>;
export const DraftCreateBody = z.object({ details: DraftDetails }).strict();
export type DraftCreateBody = z.infer<typeof DraftCreateBody>;

/** What an edit targets, for the side-by-side view. `field`: one field of details or of a lesson when set. */
export const ConflictTarget = z.object({
  kind: z.enum(['details', 'module', 'lesson', 'quiz']),
  id: z.string(),
  field: z.string().optional(),
});
export type ConflictTarget = z.infer<typeof ConflictTarget>;

/**
 * An edit of this device the server refused because the draft had changed (version_conflict). Both sides are kept
 * until the instructor chooses. `mine`: the value the edit sets (a field's value when `target.field` is set, else the
 * edit's arguments without courseId/baseVersion); `theirs`: the server's value of the same thing (null: gone).
 */
export const AuthoringConflict = z.object({
  id: z.string(),
  courseId: z.string(),
  /** The refused edit (an AuthoringName). */
  edit: z.string(),
  target: ConflictTarget,
  mine: z.unknown(),
  theirs: z.unknown(),
  theirsBy: z.object({ id: z.string().nullable(), name: z.string().optional() }),
  theirsAt: IsoDateTime,
  mineAt: IsoDateTime,
});
export type AuthoringConflict = z.infer<typeof AuthoringConflict>;

/**
 * The course's latest publish/unpublish/archive request: idle (none), queued (waiting for the server), applied, or
 * rejected (publish_blocked: `problems` to fix; other refusals: `message`).
 */
export const PublishState = z.object({
  state: z.enum(['idle', 'queued', 'applied', 'rejected']),
  action: z.enum(['publish', 'unpublish', 'archive']).optional(),
  problems: z.array(PublishProblem).optional(),
  code: z.string().optional(),
  message: z.string().optional(),
  at: IsoDateTime.optional(),
});
export type PublishState = z.infer<typeof PublishState>;

export const DraftView = z.object({
  /** The local view: the server's draft with this device's pending edits applied on top. */
  draft: CourseDraft,
  pendingEdits: z.number().int().nonnegative(),
  conflicts: z.array(AuthoringConflict),
  publish: PublishState,
  /** This device's uploads for the course's lessons (queued offline, attached when online). */
  uploads: z.array(TeachUpload),
});
export type DraftView = z.infer<typeof DraftView>;

export const DraftCreated = z.object({ courseId: z.string(), draft: CourseDraft });
export type DraftCreated = z.infer<typeof DraftCreated>;

/** The edits the editor sends: the core fills courseId and baseVersion. Publishing has its own routes. */
const onDraft = { courseId: true, baseVersion: true } as const;
export const DraftEditBody = z.discriminatedUnion('name', [
  z.object({ name: z.literal('updateCourse'), args: AuthoringArgs.updateCourse.omit(onDraft) }).strict(),
  z.object({ name: z.literal('addModule'), args: AuthoringArgs.addModule.omit(onDraft) }).strict(),
  z.object({ name: z.literal('updateModule'), args: AuthoringArgs.updateModule.omit(onDraft) }).strict(),
  z.object({ name: z.literal('moveModule'), args: AuthoringArgs.moveModule.omit(onDraft) }).strict(),
  z.object({ name: z.literal('deleteModule'), args: AuthoringArgs.deleteModule.omit(onDraft) }).strict(),
  z.object({ name: z.literal('addLesson'), args: AuthoringArgs.addLesson.omit(onDraft) }).strict(),
  z.object({ name: z.literal('updateLesson'), args: AuthoringArgs.updateLesson.omit(onDraft) }).strict(),
  z.object({ name: z.literal('moveLesson'), args: AuthoringArgs.moveLesson.omit(onDraft) }).strict(),
  z.object({ name: z.literal('deleteLesson'), args: AuthoringArgs.deleteLesson.omit(onDraft) }).strict(),
  z.object({ name: z.literal('putQuiz'), args: AuthoringArgs.putQuiz.omit(onDraft) }).strict(),
]);
export const DraftEditName = z.enum([
  'updateCourse',
  'addModule',
  'updateModule',
  'moveModule',
  'deleteModule',
  'addLesson',
  'updateLesson',
  'moveLesson',
  'deleteLesson',
  'putQuiz',
]);
export type DraftEditName = z.infer<typeof DraftEditName>;
export type DraftEditBody = z.input<typeof DraftEditBody>;
export type DraftEdit = z.output<typeof DraftEditBody>;

export const DraftEditAccepted = z.object({ draft: CourseDraft });
export type DraftEditAccepted = z.infer<typeof DraftEditAccepted>;

export const PublishAccepted = z.object({ publish: PublishState });
export type PublishAccepted = z.infer<typeof PublishAccepted>;

export const ConflictList = z.object({ conflicts: z.array(AuthoringConflict) });
export type ConflictList = z.infer<typeof ConflictList>;

/**
 * mine: re-issue my value on the server's current version; theirs: drop mine; merge: issue `value` (same shape as
 * `mine`; required).
 */
export const ConflictResolveBody = z
  .discriminatedUnion('choice', [
    z.object({ choice: z.literal('mine') }).strict(),
    z.object({ choice: z.literal('theirs') }).strict(),
    z.object({ choice: z.literal('merge'), value: z.unknown() }).strict(),
  ])
  .refine((b) => b.choice !== 'merge' || b.value !== undefined, {
    message: 'A merge needs its value',
    path: ['value'],
  });
export type ConflictResolveBody = z.infer<typeof ConflictResolveBody>;

export const ConflictResolved = z.object({ draft: CourseDraft });
export type ConflictResolved = z.infer<typeof ConflictResolved>;
