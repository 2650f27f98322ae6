import type { LearningEvent } from '@lyceum/contracts';
import { learningEvent, type EventSpec } from './test-events.ts';

/**
 * FOR TESTS AND BENCHMARKS: a realistic, reproducible learning load — learners working through courses: enrolling,
 * opening lessons, watching videos (pauses with watched segments, seeks), answering quiz questions, passing or failing,
 * completing, rating — with gaps of 10 s – 2 min between events and the odd 45-minute break (a new session).
 * Events are sorted by device time, all of them in the past of `end`.
 */
export interface LoadOptions {
  learners: number;
  events: number;
  courses?: number;
  lessonsPerCourse?: number;
  /** Device time of the last events (default now). */
  end?: number;
  seed?: number;
}

/** Mulberry32: a small seeded PRNG. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const uuidish = (kind: number, n: number) =>
  `0190b8a0-0000-7000-8000-${kind.toString(16).padStart(4, '0')}${n.toString(16).padStart(8, '0')}`;

export function learningLoad(opts: LoadOptions): LearningEvent[] {
  const rand = prng(opts.seed ?? 42);
  const courses = opts.courses ?? 8;
  const lessons = opts.lessonsPerCourse ?? 6;
  const end = opts.end ?? Date.now();
  const perLearner = Math.ceil(opts.events / opts.learners);
  const out: LearningEvent[] = [];
  for (let l = 0; l < opts.learners; l += 1) {
    const actor = uuidish(1, l);
    const specs: Omit<EventSpec, 'actor' | 'at'>[] = [];
    const course = uuidish(2, Math.floor(rand() * courses));
    specs.push({ verb: 'enrolled', course });
    let lesson = 0;
    while (specs.length < perLearner) {
      const lessonId = uuidish(3, lesson % lessons);
      specs.push({ verb: 'opened', course, lesson: lessonId });
      if (lesson % 3 === 2) {
        for (let q = 0; q < 5; q += 1)
          specs.push({
            verb: 'answered',
            course,
            lesson: lessonId,
            question: `q${q}`,
            success: rand() < 0.6,
          });
        specs.push({ verb: rand() < 0.7 ? 'passed' : 'failed', course, lesson: lessonId });
      } else {
        const length = 300 + 60 * (lesson % 5);
        let pos = 0;
        specs.push({ verb: 'played', course, lesson: lessonId, video: { time: 0, length } });
        while (pos < length && rand() < 0.85) {
          const next = Math.min(length, pos + 30 + Math.floor(rand() * 90));
          specs.push({
            verb: 'paused',
            course,
            lesson: lessonId,
            video: { time: next, length, segments: [[pos, next]] },
          });
          pos = next;
        }
        if (pos >= length)
          specs.push({ verb: 'completed', course, lesson: lessonId, video: { time: length, length } });
      }
      if (rand() < 0.3) specs.push({ verb: 'completed', course, lesson: lessonId });
      lesson += 1;
      if (lesson === lessons) {
        specs.push(
          { verb: 'completed', course },
          { verb: 'rated', course, scoreRaw: 1 + Math.floor(rand() * 5) },
        );
        lesson = 0;
      }
    }
    const gaps = specs
      .slice(0, perLearner)
      .map(() => (rand() < 0.03 ? 45 * 60_000 : 10_000 + rand() * 110_000));
    let at = end - 60_000 - gaps.reduce((s, g) => s + g, 0);
    specs.slice(0, perLearner).forEach((s, i) => {
      at += gaps[i]!;
      const iso = new Date(Math.round(at)).toISOString();
      out.push(learningEvent({ actor, at: iso, stored: iso, ...s }));
    });
  }
  return out.slice(0, opts.events).sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
}
