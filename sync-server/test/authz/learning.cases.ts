import { randomUUID } from 'node:crypto';
import type { Case, Expect } from './matrix.ts';
import { ownerOrAdmin, signedIn } from './matrix.ts';

/** Only the enrolled student may act; everyone else signed in is refused as not enrolled. */
const enrolledOnly = (status: number): Expect => ({
  anon: 401,
  student: status,
  otherStudent: 403,
  instructor: 403,
  owner: 403,
  admin: 403,
});

export const learningCases: Record<string, Case> = {
  enroll: {
    request: async (w) => ({ params: { id: (await w.freshCourse({ enrollStudent: false })).id } }),
    expect: signedIn(201),
  },
  getMyEnrollment: {
    request: (w) => ({ params: { id: w.course.id } }),
    expect: { anon: 401, student: 200, otherStudent: 404, instructor: 404, owner: 404, admin: 404 },
  },
  unenroll: {
    request: async (w) => ({ params: { id: (await w.freshCourse()).id } }),
    expect: { anon: 401, student: 204, otherStudent: 404, instructor: 404, owner: 404, admin: 404 },
  },
  listMyEnrollments: { request: () => ({ query: { status: 'active' } }), expect: signedIn(200) },
  getRoster: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
  addToRoster: {
    request: async (w) => ({
      params: { id: (await w.freshCourse()).id },
      body: { userId: w.accounts.otherStudent.id },
    }),
    expect: ownerOrAdmin(201),
  },
  removeFromRoster: {
    request: async (w) => ({ params: { id: (await w.freshCourse()).id, userId: w.accounts.student.id } }),
    expect: ownerOrAdmin(204),
  },
  recordProgress: {
    request: (w) => ({
      body: {
        id: randomUUID(),
        courseId: w.course.id,
        lessonId: w.course.lessonId,
        positionSeconds: 12,
        watchedIntervals: [[0, 12]],
        occurredAt: new Date().toISOString(),
      },
    }),
    expect: enrolledOnly(201),
  },
  submitQuizAttempt: {
    request: (w) => ({
      body: {
        id: randomUUID(),
        courseId: w.course.id,
        lessonId: w.course.quizLessonId,
        answers: { [w.course.questionId]: w.course.correctOptionId },
        submittedAt: new Date().toISOString(),
      },
    }),
    expect: enrolledOnly(201),
  },
  getMyCourseProgress: { request: (w) => ({ params: { id: w.course.id } }), expect: enrolledOnly(200) },
  listMyQuizAttempts: { request: (w) => ({ params: { id: w.course.id } }), expect: enrolledOnly(200) },
  getStudentCourseProgress: {
    request: (w) => ({ params: { id: w.course.id, userId: w.accounts.student.id } }),
    expect: ownerOrAdmin(200),
  },
  getCourseReport: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
  exportGradebook: { request: (w) => ({ params: { id: w.course.id } }), expect: ownerOrAdmin(200) },
};
