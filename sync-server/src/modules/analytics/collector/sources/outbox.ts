import type pg from 'pg';
import { sql } from 'drizzle-orm';
import {
  ACTIVITY_TYPES,
  LYCEUM_ACCOUNT_HOME,
  VERBS,
  activityIri,
  type VerbName,
  type XapiStatement,
} from '@lyceum/contracts';
import type { Db } from '../../../../db/client.ts';
import { newId } from '../../../../lib/ids.ts';

/** The NOTIFY channel the outbox trigger (migration 0010) signals on every insert. */
export const OUTBOX_CHANNEL = 'event_outbox';

/**
 * The open transaction a platform event joins: drizzle's `tx` (or db, for a single statement), or a pg client between
 * BEGIN and COMMIT.
 */
export type OutboxTx = Pick<Db, 'execute'> | Pick<pg.PoolClient, 'query'>;

/** A platform event: an xAPI statement; the id (UUIDv7) and timestamp (now) are given when left out. */
export type PlatformStatement = Omit<XapiStatement, 'id' | 'timestamp' | 'stored'> & {
  id?: string;
  timestamp?: string;
};

/**
 * Write a platform event to the transactional outbox, IN the caller's transaction: it is delivered to the analytics
 * collector (by the outbox relay) if and only if the business change commits. Answers the statement id.
 */
export async function recordPlatformEvent(tx: OutboxTx, statement: PlatformStatement): Promise<string> {
  const full = {
    ...statement,
    id: statement.id ?? newId(),
    timestamp: statement.timestamp ?? new Date().toISOString(),
  };
  const json = JSON.stringify(full);
  if ('execute' in tx)
    await tx.execute(sql`INSERT INTO event_outbox (id, statement) VALUES (${full.id}, ${json}::jsonb)`);
  else await tx.query('INSERT INTO event_outbox (id, statement) VALUES ($1, $2::jsonb)', [full.id, json]);
  return full.id;
}

const lyceumAgent = (userId: string) => ({
  objectType: 'Agent' as const,
  account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId },
});

const onCourse = (verb: VerbName, display: string, userId: string, courseId: string): PlatformStatement => ({
  actor: lyceumAgent(userId),
  verb: { id: VERBS[verb], display: { en: display } },
  object: {
    objectType: 'Activity',
    id: activityIri.course(courseId),
    definition: { type: ACTIVITY_TYPES.course },
  },
  context: { platform: 'Lyceum' },
});

/** The platform events Lyceum's own modules record, as statements on the course activity. */
export const platformEvents = {
  /** A student was admitted to a course (self-enrolment, an instructor's roster, a payment). */
  enrolled: (studentId: string, courseId: string) => onCourse('enrolled', 'enrolled', studentId, courseId),
  /** The server decided the student completed the course (every required lesson done, graded quizzes passed). */
  completed: (studentId: string, courseId: string): PlatformStatement => ({
    ...onCourse('completed', 'completed', studentId, courseId),
    result: { completion: true },
  }),
  /** An instructor or admin published (or re-opened) a course. */
  published: (actorId: string, courseId: string) => onCourse('published', 'published', actorId, courseId),
  /** A student rated a course, 1..5 stars. */
  rated: (studentId: string, courseId: string, stars: number): PlatformStatement => ({
    ...onCourse('rated', 'rated', studentId, courseId),
    result: { score: { raw: stars, min: 1, max: 5 } },
  }),
};
