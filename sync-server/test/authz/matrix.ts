import type { TestServer } from '../harness.ts';

/** The six kinds of caller every route is tried with. */
export const callers = ['anon', 'student', 'otherStudent', 'instructor', 'owner', 'admin'] as const;
export type CallerKind = (typeof callers)[number];

export interface Account {
  id: string;
  email: string;
  password: string;
  token: string;
  refreshToken: string;
}

/** Shared data the requests point at: a published course owned by `owner`, with `student` enrolled. */
export interface World {
  t: TestServer;
  accounts: Record<Exclude<CallerKind, 'anon'>, Account>;
  course: CourseFixture;
  /** A new course (owner: `owner`, `student` enrolled) for requests that change or delete what they touch. */
  freshCourse(opts?: { enrollStudent?: boolean }): Promise<CourseFixture>;
}

export interface CourseFixture {
  id: string;
  lessonId: string;
  quizLessonId: string;
  questionId: string;
  correctOptionId: string;
}

export interface Req {
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** Expected status per caller: one number, or several acceptable ones. */
export type Expect = Record<CallerKind, number | number[]>;

export interface Case {
  request: (w: World, who: CallerKind) => Req | Promise<Req>;
  expect: Expect;
}

export const everyone = (status: number): Expect => ({
  anon: status,
  student: status,
  otherStudent: status,
  instructor: status,
  owner: status,
  admin: status,
});
export const signedIn = (status: number): Expect => ({ ...everyone(status), anon: 401 });
export const adminOnly = (status: number): Expect => ({ ...everyone(403), anon: 401, admin: status });
/** Instructor-level route where the data check makes non-owning instructors fail. */
export const ownerOrAdmin = (status: number, other = 403): Expect => ({
  anon: 401,
  student: 403,
  otherStudent: 403,
  instructor: other,
  owner: status,
  admin: status,
});

let seq = 0;
export const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++seq}`;
