// npm run bench:authoring (server half) — an instructor's 300-lesson course authored offline: 2,000 queued authoring
// edits (lesson texts and titles, quizzes, moves, new modules and lessons, each on its base version) pushed through
// sync in batches of 500, timed to the last applied edit; 0 lost is checked in the draft. Beside it, in the same run:
// 2,000 plain progress mutations of one student through the same push. Target on this 2-core machine: ≤ 3 s.
import { randomUUID } from 'node:crypto';
import { pino } from 'pino';
import type { Mutation, PushResponse } from '@lyceum/contracts';
import { freePort } from '@lyceum/testing';
import { createServer } from '../../sync-server/src/app.ts';
import { benchConfig, benchDatabase } from './lib/bench-database.ts';

const LESSONS = 300;
const EDITS = Number(process.env.BENCH_EDITS ?? 2000);
const log = (m: string) => console.log(`[bench:authoring] ${m}`);

async function main() {
  const db = await benchDatabase('authoring');
  let server: Awaited<ReturnType<typeof createServer>> | null = null;
  try {
    const config = benchConfig(db, {
      SCHEDULER: 'off',
    });
    server = await createServer({ config, logger: pino({ level: 'warn' }) });
    const url = await server.listen(await freePort(), '127.0.0.1');
    const account = async (role: 'instructor' | 'student', name: string) => {
      const u = await server!.identity.accounts.createUser({
        email: `${name}@bench.test`,
        password: 'Bench-Passw0rd-42',
        name,
        role,
      });
      return { id: u.id, token: (await server!.identity.sessions.issue(u)).accessToken };
    };
    const teacher = await account('instructor', 'teacher');
    const student = await account('student', 'student');
    const push = async (token: string, deviceId: string, mutations: Mutation[]) => {
      const r = await fetch(`${url}/api/v1/sync/push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ deviceId, mutations }),
      });
      if (r.status !== 200) throw new Error(`push ${r.status}: ${await r.text()}`);
      return ((await r.json()) as PushResponse).results;
    };
    const pushAll = async (token: string, all: Mutation[]) => {
      const deviceId = randomUUID();
      let applied = 0;
      const t0 = performance.now();
      for (let i = 0; i < all.length; i += 500) {
        const rs = await push(token, deviceId, all.slice(i, i + 500));
        applied += rs.filter((r) => r.status === 'applied').length;
        const refused = rs.find((r) => r.status === 'rejected');
        if (refused) throw new Error(`rejected: ${JSON.stringify(refused)}`);
      }
      return { ms: performance.now() - t0, applied };
    };

    // The course: 30 modules of 10 lessons (a quiz in each module), made and published through authoring mutations.
    const courseId = randomUUID();
    const modules = Array.from({ length: 30 }, () => ({
      id: randomUUID(),
      lessons: Array.from({ length: LESSONS / 30 }, (_, i) => ({ id: randomUUID(), quiz: i === 9 })),
    }));
    let seq = 0;
    const m = (name: Mutation['name'], args: unknown): Mutation =>
      ({ id: randomUUID(), clientSeq: seq++, createdAt: new Date().toISOString(), name, args }) as Mutation;
    const question = () => ({
      id: randomUUID(),
      type: 'true_false',
      prompt: 'True?',
      options: [],
      answer: { type: 'true_false', value: true },
      points: 1,
      feedback: {},
    });
    const setup: Mutation[] = [m('createCourse', { courseId, title: 'Bench course', subject: 'Bench' })];
    let v = 1;
    for (const mod of modules) {
      setup.push(m('addModule', { courseId, baseVersion: v++, moduleId: mod.id, title: 'Module' }));
      for (const l of mod.lessons)
        setup.push(
          m('addLesson', {
            courseId,
            baseVersion: v++,
            moduleId: mod.id,
            lesson: l.quiz
              ? { id: l.id, title: 'Quiz', kind: 'quiz', quiz: { questions: [question()] } }
              : { id: l.id, title: 'Lesson', kind: 'text', body: 'Text '.repeat(40) },
          }),
        );
    }
    setup.push(m('publishCourse', { courseId, baseVersion: v }));
    const made = await pushAll(teacher.token, setup);
    log(
      `course of ${LESSONS} lessons made and published through sync: ${setup.length} mutations in ${Math.round(made.ms)} ms`,
    );
    v = (await server.catalog.authoring.draftOf(courseId)).version;

    // Baseline: the same number of plain progress mutations, same push path.
    const enrolled = await fetch(`${url}/api/v1/courses/${courseId}/enrollment`, {
      method: 'POST',
      headers: { authorization: `Bearer ${student.token}` },
    });
    if (enrolled.status !== 201) throw new Error(`enroll ${enrolled.status}`);
    const textLessons = modules.flatMap((x) => x.lessons.filter((l) => !l.quiz).map((l) => l.id));
    const progress = Array.from({ length: EDITS }, (_, i) =>
      m('recordProgress', {
        id: randomUUID(),
        courseId,
        lessonId: textLessons[i % textLessons.length],
        occurredAt: new Date(Date.now() - (EDITS - i) * 1000).toISOString(),
        positionSeconds: i,
      }),
    );
    const base = await pushAll(student.token, progress);

    // The edits: mostly lesson text and titles, some quizzes, moves and new lessons.
    const lessons = modules.flatMap((x) => x.lessons);
    const edits: Mutation[] = [];
    // What the draft must hold after them (0 lost is checked edit by edit, not only by the version count).
    const lastText = new Map<string, { title: string; body: string }>();
    let added = 0;
    for (let i = 0; i < EDITS; i++) {
      const l = lessons[i % lessons.length]!;
      const mod = modules[i % modules.length]!;
      const k = i % 20;
      if (l.quiz && k < 10)
        edits.push(
          m('putQuiz', {
            courseId,
            baseVersion: v++,
            lessonId: l.id,
            quiz: { questions: [question(), question()] },
          }),
        );
      else if (k === 17)
        edits.push(
          m('moveLesson', { courseId, baseVersion: v++, lessonId: l.id, moduleId: mod.id, position: 0 }),
        );
      else if (k === 19 && ++added)
        edits.push(
          m('addLesson', {
            courseId,
            baseVersion: v++,
            moduleId: mod.id,
            lesson: { id: randomUUID(), title: `New ${i}`, kind: 'text', body: 'New' },
          }),
        );
      else {
        const patch = { body: `Edit ${i} `.repeat(30), title: `Lesson ${i}` };
        lastText.set(l.id, patch);
        edits.push(m('updateLesson', { courseId, baseVersion: v++, lessonId: l.id, patch }));
      }
    }
    const authored = await pushAll(teacher.token, edits);
    const draft = await server.catalog.authoring.draftOf(courseId);
    const inDraft = new Map(draft.doc.modules.flatMap((x) => x.lessons).map((l) => [l.id!, l]));
    const missing = [...lastText].filter(([id, p]) => {
      const l = inDraft.get(id);
      return !l || l.title !== p.title || l.body !== p.body;
    }).length;
    const lost = Math.max(EDITS - (draft.version - (v - EDITS)), missing, LESSONS + added - inDraft.size);
    log(
      `baseline: ${EDITS} progress mutations pushed and applied in ${Math.round(base.ms)} ms (${base.applied} applied)`,
    );
    log(
      `authoring: ${EDITS} edits of a ${LESSONS}-lesson course pushed and applied in ${Math.round(authored.ms)} ms ` +
        `(${authored.applied} applied, ${lost} lost; target ≤ 3000 ms, 0 lost)`,
    );
  } finally {
    await server?.close();
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
