import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CourseDetail, GivenAnswers } from '@lyceum/contracts';
import { startCore, type Core, type CoreOptions } from '../core/core.ts';
import type { CourseInput } from './sync-server.ts';

/** A course with every kind of study the desktop app does offline: two readings, a practice quiz, a graded quiz. */
export const studyCourse = (title: string): CourseInput => ({
  title,
  description: `${title}: offline study in the desktop tests.`,
  subject: 'Testing',
  modules: [
    {
      title: 'Basics',
      lessons: [
        {
          title: 'Read me',
          kind: 'text',
          body: '# Hello\n\nSome **bold** text and <script>alert(1)</script>.',
        },
        { title: 'Read more', kind: 'text', body: '- one\n- two' },
        {
          title: 'Practice',
          kind: 'quiz',
          quiz: {
            graded: false,
            deviceGradable: true,
            passingPercent: 50,
            questions: [
              {
                type: 'single_choice',
                prompt: '2 + 2?',
                options: [
                  { id: 'a', text: '3' },
                  { id: 'b', text: '4' },
                ],
                answer: { type: 'single_choice', optionId: 'b' },
              },
              { type: 'true_false', prompt: 'The sky is blue', answer: { type: 'true_false', value: true } },
            ],
          },
        },
        {
          title: 'Exam',
          kind: 'quiz',
          quiz: {
            graded: true,
            passingPercent: 60,
            attemptsAllowed: 3,
            questions: [
              {
                type: 'numeric',
                prompt: 'Pi to two places',
                answer: { type: 'numeric', value: 3.14, tolerance: 0.001 },
              },
              {
                type: 'short_answer',
                prompt: 'Capital of France',
                answer: { type: 'short_answer', accepted: ['Paris'] },
              },
              {
                type: 'multiple_choice',
                prompt: 'Even numbers',
                options: [
                  { id: 'x', text: '2' },
                  { id: 'y', text: '3' },
                  { id: 'z', text: '4' },
                ],
                answer: { type: 'multiple_choice', optionIds: ['x', 'z'] },
              },
            ],
          },
        },
      ],
    },
  ],
});

/** The lessons of a study course, by title, and answers to its quizzes. */
export function lessonsOf(course: CourseDetail) {
  const byTitle = new Map(course.modules.flatMap((m) => m.lessons).map((l) => [l.title, l]));
  const get = (t: string) => {
    const l = byTitle.get(t);
    if (!l) throw new Error(`no lesson ${t}`);
    return l;
  };
  const qids = (t: string) => (get(t).quiz?.questions ?? []).map((q) => q.id);
  return {
    read: get('Read me').id,
    more: get('Read more').id,
    practice: get('Practice').id,
    exam: get('Exam').id,
    practiceAnswers: (right: boolean): GivenAnswers => {
      const [a, b] = qids('Practice');
      return { [a!]: right ? 'b' : 'a', [b!]: true };
    },
    /** 2 of 3 right: 66.67 % (passes at 60 %). */
    examAnswers: (): GivenAnswers => {
      const [n, s, m] = qids('Exam');
      return { [n!]: 3.14, [s!]: ' paris ', [m!]: ['x'] };
    },
  };
}

/** A desktop core (a "device") on its own data dir; sync triggers off unless asked for. */
export async function openDevice(
  serverUrl: string,
  opts: { dataDir?: string; sync?: CoreOptions['sync'] } = {},
): Promise<Core & { dataDir: string }> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lyceum-device-'));
  const core = await startCore({
    config: { serverUrl, dataDir, port: 0, requestTimeoutMs: 3000 },
    rendererDir: null,
    sync: { autoStart: false, socket: false, ...opts.sync },
  });
  return Object.assign(core, { dataDir });
}
