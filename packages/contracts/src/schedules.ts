import { z } from 'zod';
import { Id, IsoDateTime, Text } from './common.ts';
import { LessonKind } from './catalog.ts';

/**
 * Deadlines and the calendar feed (issue 14, N-schedule): what is due across the signed-in student's courses, and a
 * signed per-user link for calendar apps (`GET /api/v1/me/calendar.ics?token=`).
 */
export const DeadlinesQuery = z
  .object({
    /** From this time (default: 30 days ago, so recent overdue work shows). */
    from: IsoDateTime.optional(),
    /** Up to this time (default: a year from now); at most 400 days after `from`. */
    to: IsoDateTime.optional(),
  })
  .strict();
export type DeadlinesQuery = z.infer<typeof DeadlinesQuery>;

export const Deadline = z
  .object({
    courseId: Id,
    courseTitle: Text(),
    lessonId: Id,
    lessonTitle: Text(),
    kind: LessonKind,
    dueAt: IsoDateTime,
    /** The student has completed the lesson (passed the quiz). */
    completed: z.boolean(),
    /** Past its due time and not completed. */
    overdue: z.boolean(),
    /** In-app link to the lesson. */
    url: Text(),
  })
  .meta({ id: 'Deadline' });
export type Deadline = z.infer<typeof Deadline>;

/** Soonest first. */
export const DeadlineList = z.object({ items: z.array(Deadline) }).meta({ id: 'DeadlineList' });
export type DeadlineList = z.infer<typeof DeadlineList>;

export const CalendarFeedQuery = z.object({ token: Text().min(1).max(2000) }).strict();

/** The signed-in user's subscription link (webcal for calendar apps; https/http for a download). */
export const CalendarLink = z
  .object({
    url: Text(),
    webcalUrl: Text(),
    token: Text(),
    expiresAt: IsoDateTime,
  })
  .meta({ id: 'CalendarLink' });
export type CalendarLink = z.infer<typeof CalendarLink>;
