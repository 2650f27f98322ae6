import type { CourseDetail, CourseDraftDoc } from '@lyceum/contracts';

/**
 * A course the instructor teaches that has no draft on the server yet (made before authoring, or on the web), as a
 * draft document from the course_detail this device holds: the server's first draft starts from the same published
 * course. Quiz questions (their answer keys are not in the detail) come with the server's draft after the first edit.
 */
export function detailToDoc(c: CourseDetail): CourseDraftDoc {
  return {
    details: {
      title: c.title,
      description: c.description,
      subject: c.subject,
      tags: c.tags,
      language: c.language,
      type: c.type,
      level: c.level,
      price: c.price,
      coverImageUrl: c.coverImageUrl,
      prerequisiteIds: c.prerequisites.map((p) => p.id),
    },
    modules: c.modules.map((m) => ({
      id: m.id,
      title: m.title,
      lessons: m.lessons.map((l) => ({
        id: l.id,
        title: l.title,
        kind: l.kind,
        durationMinutes: l.durationMinutes,
        isPreview: l.isPreview,
        required: l.required,
        dueAt: l.dueAt,
        releaseAt: l.releaseAt ?? null,
        body: l.body ?? '',
        ...(l.quiz
          ? {
              quiz: {
                passingPercent: l.quiz.passingPercent,
                attemptsAllowed: l.quiz.attemptsAllowed,
                graded: l.quiz.graded,
                weight: l.quiz.weight,
                deviceGradable: l.quiz.deviceGradable,
                shuffle: l.quiz.shuffle,
                questions: [],
              },
            }
          : {}),
      })),
    })),
  };
}
