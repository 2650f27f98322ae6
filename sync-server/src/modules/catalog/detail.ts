import { asc, eq } from 'drizzle-orm';
import type { CourseDetail, LessonView, QuestionView } from '@lyceum/contracts';
import type { Db } from '../../db/client.ts';
import type { Viewer } from './access.ts';
import { rowToSummary } from './dto.ts';
import { loadFullStructure, type FullStructure } from './structure.ts';
import { coursePrerequisites, courses, type CourseRow } from './tables.ts';

type StructLesson = FullStructure['modules'][number]['lessons'][number];
type StructQuestion = NonNullable<StructLesson['quiz']>['questions'][number];

/** A course with everything under it, before it is cut down for a viewer. */
export interface CourseBundle {
  course: CourseRow;
  structure: FullStructure;
  prerequisites: { id: string; title: string }[];
}

export async function loadBundle(db: Db, id: string): Promise<CourseBundle | null> {
  const [course] = await db.select().from(courses).where(eq(courses.id, id));
  if (!course) return null;
  const [structure, prerequisites] = await Promise.all([
    loadFullStructure(db, id),
    db
      .select({ id: courses.id, title: courses.title })
      .from(coursePrerequisites)
      .innerJoin(courses, eq(courses.id, coursePrerequisites.prerequisiteId))
      .where(eq(coursePrerequisites.courseId, id))
      .orderBy(asc(courses.title)),
  ]);
  return { course, structure, prerequisites };
}

function questionView(q: StructQuestion, withKeys: boolean): QuestionView {
  return {
    id: q.id,
    type: q.type,
    prompt: q.prompt,
    // Per-option feedback tells which option is right, so it travels with the keys.
    options: withKeys ? q.options : q.options.map((o) => ({ id: o.id, text: o.text })),
    points: q.points,
    ...(withKeys ? { answer: q.answer, feedback: q.feedback } : {}),
  };
}

function lessonView(l: StructLesson, viewer: Viewer, unlocked: boolean): LessonView {
  const open = unlocked || l.isPreview;
  const view: LessonView = {
    id: l.id,
    title: l.title,
    kind: l.kind,
    durationMinutes: l.durationMinutes,
    isPreview: l.isPreview,
    required: l.required,
    dueAt: l.dueAt ? l.dueAt.toISOString() : null,
    locked: !open,
  };
  if (viewer.canEdit && l.releaseAt) view.releaseAt = l.releaseAt.toISOString();
  if (open) view.body = l.body;
  if (l.quiz) {
    const q = l.quiz;
    const withKeys = viewer.canEdit || (viewer.enrolled && q.deviceGradable);
    view.quiz = {
      passingPercent: q.passingPercent,
      attemptsAllowed: q.attemptsAllowed,
      graded: q.graded,
      weight: q.weight,
      deviceGradable: q.deviceGradable,
      shuffle: q.shuffle,
      questionCount: q.questions.length,
      ...(open ? { questions: q.questions.map((qq) => questionView(qq, withKeys)) } : {}),
    };
  }
  return view;
}

/**
 * The course as this viewer may see it:
 * - everyone who can see the course gets the outline (modules, lesson titles, kinds, durations, flags, quiz settings);
 * - lesson bodies and quiz questions (prompt and options) of preview lessons are open to all, of other lessons only
 *   to enrolled students, the course's instructors and admins;
 * - answer keys and feedback only to instructors and admins, and to enrolled students for device-gradable quizzes.
 */
export function toDetail(b: CourseBundle, viewer: Viewer): CourseDetail {
  const unlocked = viewer.canEdit || viewer.enrolled;
  const now = Date.now();
  return {
    ...rowToSummary(b.course),
    description: b.course.description,
    ownerId: b.course.ownerId,
    version: b.course.version,
    createdAt: b.course.createdAt.toISOString(),
    prerequisites: b.prerequisites,
    modules: b.structure.modules.map((m) => ({
      id: m.id,
      title: m.title,
      // Lessons with a release time still ahead are left out for everyone but the course's editors (migration 0019).
      lessons: m.lessons
        .filter((l) => viewer.canEdit || !l.releaseAt || l.releaseAt.getTime() <= now)
        .map((l) => lessonView(l, viewer, unlocked)),
    })),
    viewer: { canEdit: viewer.canEdit, enrolled: viewer.enrolled, contentUnlocked: unlocked },
  };
}
