import { describe, expect, it } from 'vitest';
import { funnelSteps, questionBars, ratingColumns, ratingMean, worstDropOffs } from './figures.ts';

describe('dashboard figures', () => {
  it('sums funnels over courses, and has no steps when nobody enrolled', () => {
    const f = (enrolled: number, started: number, completedLesson: number, completedCourse: number) => ({
      enrolled,
      started,
      completedLesson,
      completedCourse,
    });
    expect(funnelSteps([f(4, 3, 2, 1), f(6, 2, 1, 0)]).map((d) => d.value)).toEqual([10, 5, 3, 1]);
    expect(funnelSteps([f(0, 0, 0, 0)])).toEqual([]);
  });

  it('keeps questions with a difficulty, in order, with who got them right', () => {
    const q = (questionId: string, difficulty: number | null, discrimination: number | null) => ({
      courseId: 'c',
      lessonId: 'l',
      questionId,
      respondents: 4,
      correctFirst: 1,
      difficulty,
      discrimination,
      answers: 5,
    });
    const bars = questionBars([q('a', 0.25, 0.5), q('b', null, null), q('c', 0.75, null)], (id) => `Q ${id}`);
    expect(bars).toEqual([
      { label: 'Q a', value: 0.25, detail: '1 of 4 right, discrimination 0.50' },
      { label: 'Q c', value: 0.75, detail: '1 of 4 right' },
    ]);
  });

  it('ranks drop-off points by share of viewing sessions, leaving out the end of the video', () => {
    const dropOff = Array.from({ length: 20 }, () => 0);
    dropOff[3] = 2;
    dropOff[10] = 5;
    dropOff[19] = 9;
    const points = worstDropOffs([{ lessonId: 'l1', dropOff, viewingSessions: 16 }], () => 'Intro');
    expect(points.map((p) => [p.label, p.value])).toEqual([
      ['Intro · 50–55%', 5 / 16],
      ['Intro · 15–20%', 2 / 16],
    ]);
  });

  it('draws one column per star, none when nobody rated, and the mean with two decimals in the language', () => {
    expect(ratingColumns({ count: 3, histogram: [0, 1, 0, 0, 2] })).toEqual([
      { label: '1 ★', value: 0 },
      { label: '2 ★', value: 1 },
      { label: '3 ★', value: 0 },
      { label: '4 ★', value: 0 },
      { label: '5 ★', value: 2 },
    ]);
    expect(ratingColumns({ count: 0, histogram: [0, 0, 0, 0, 0] })).toEqual([]);
    expect(ratingMean(4, 'en')).toBe('4.00');
    expect(ratingMean(4.256, 'fr')).toBe('4,26');
  });
});
