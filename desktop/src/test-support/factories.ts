import { randomUUID } from 'node:crypto';
import type { CourseDetail, CourseSummary } from '@lyceum/contracts';

let n = 0;

/** A valid CourseSummary (as the server would send it), with overrides. */
export function summary(over: Partial<CourseSummary> = {}): CourseSummary {
  n += 1;
  const day = String((n % 28) + 1).padStart(2, '0');
  return {
    id: randomUUID(),
    title: `Course ${n}`,
    excerpt: 'An introduction.',
    subject: 'Mathematics',
    tags: [],
    level: 'beginner',
    type: 'self_paced',
    language: 'en',
    status: 'published',
    price: null,
    instructors: [{ id: randomUUID(), name: 'Ada Lovelace' }],
    durationMinutes: 60,
    lessonCount: 3,
    ratingAverage: 0,
    ratingCount: 0,
    enrollmentCount: 0,
    coverImageUrl: null,
    publishedAt: `2025-01-${day}T10:00:00.000Z`,
    updatedAt: `2025-01-${day}T10:00:00.000Z`,
    ...over,
  };
}

/** A CourseDetail built on a summary: one module with a text lesson and a quiz lesson. */
export function detail(over: Partial<CourseDetail> = {}): CourseDetail {
  const s = summary(over);
  return {
    ...s,
    description: `${s.excerpt} The whole description.`,
    ownerId: s.instructors[0]!.id,
    version: 1,
    createdAt: s.updatedAt,
    prerequisites: [],
    modules: [
      {
        id: randomUUID(),
        title: 'Getting started',
        lessons: [
          {
            id: randomUUID(),
            title: 'Welcome',
            kind: 'text',
            durationMinutes: 5,
            isPreview: true,
            required: true,
            dueAt: null,
            locked: false,
          },
          {
            id: randomUUID(),
            title: 'Check yourself',
            kind: 'quiz',
            durationMinutes: 10,
            isPreview: false,
            required: true,
            dueAt: null,
            locked: true,
          },
        ],
      },
    ],
    viewer: { canEdit: false, enrolled: false, contentUnlocked: false },
    ...over,
  };
}
