import type { CourseCreate } from '@lyceum/contracts';

import type { CourseSpec } from './course-specs.ts';
import { quizQuestionsFor } from './quiz-banks.ts';

export { courseSpecs } from './course-specs.ts';

const lessonText = (title: string, course: string) =>
  `# ${title}\n\nThis lesson of *${course}* introduces the key ideas step by step.\n\n1. Read the explanation.\n2. Try the worked example.\n3. Check yourself with the short exercise at the end.\n`;

/** The full CourseCreate payload of a demo course: three modules with video, slides, text and quiz lessons. */
export function courseInput(spec: CourseSpec, prerequisiteIds: string[]): CourseCreate {
  const quizQuestions = quizQuestionsFor(spec.subject).slice(0, 4);
  const due = new Date(Date.now() + 21 * 86_400_000).toISOString();
  // Vary lesson lengths between courses (a stable factor from the title), so durations differ in the catalog.
  const factor = 0.6 + ([...spec.title].reduce((a, c) => a + c.charCodeAt(0), 0) % 9) * 0.2;
  const minutes = (m: number) => Math.max(3, Math.round(m * factor));
  return {
    title: spec.title,
    subject: spec.subject,
    level: spec.level,
    type: spec.type,
    language: spec.language,
    tags: spec.tags,
    description: spec.description,
    price: spec.price,
    prerequisiteIds,
    modules: [
      {
        title: 'Getting started',
        lessons: [
          {
            title: 'Welcome and course overview',
            kind: 'video',
            durationMinutes: minutes(6),
            isPreview: true,
            required: true,
            dueAt: null,
            body: 'Transcript: welcome!',
          },
          {
            title: 'How to study this course',
            kind: 'text',
            durationMinutes: minutes(8),
            isPreview: true,
            required: true,
            dueAt: null,
            body: lessonText('How to study this course', spec.title),
          },
        ],
      },
      {
        title: 'Core ideas',
        lessons: [
          {
            title: 'Key concepts',
            kind: 'slides',
            durationMinutes: minutes(15),
            isPreview: false,
            required: true,
            dueAt: null,
            body: '',
          },
          {
            title: 'Worked examples',
            kind: 'text',
            durationMinutes: minutes(20),
            isPreview: false,
            required: true,
            dueAt: null,
            body: lessonText('Worked examples', spec.title),
          },
          {
            title: 'Practice check',
            kind: 'quiz',
            durationMinutes: minutes(10),
            isPreview: false,
            required: true,
            dueAt: null,
            body: '',
            quiz: {
              passingPercent: 60,
              attemptsAllowed: null,
              graded: false,
              weight: 0,
              deviceGradable: true,
              shuffle: false,
              questions: quizQuestions.slice(0, 2),
            },
          },
        ],
      },
      {
        title: 'Putting it together',
        lessons: [
          {
            title: 'Case study',
            kind: 'video',
            durationMinutes: minutes(18),
            isPreview: false,
            required: true,
            dueAt: null,
            body: 'Transcript: a case study.',
          },
          {
            title: 'Further reading',
            kind: 'text',
            durationMinutes: minutes(10),
            isPreview: false,
            required: false,
            dueAt: null,
            body: lessonText('Further reading', spec.title),
          },
          {
            title: 'Final quiz',
            kind: 'quiz',
            durationMinutes: minutes(15),
            isPreview: false,
            required: true,
            dueAt: due,
            body: '',
            quiz: {
              passingPercent: 70,
              attemptsAllowed: 3,
              graded: true,
              weight: 1,
              deviceGradable: false,
              shuffle: true,
              questions: quizQuestions,
            },
          },
        ],
      },
    ],
  };
}
