import { and, asc, eq, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { z } from 'zod';
import { Mutation, MutationName, type MutationResult } from '@lyceum/contracts';
import type { LocalDb } from '../store/open.ts';
import { outbox } from '../store/tables.ts';

/** A mutation as the app makes it (the outbox adds id, clientSeq and createdAt). */
export type NewMutation = {
  [N in Mutation['name']]: { name: N; args: Extract<Mutation, { name: N }>['args'] };
}[Mutation['name']];

export const Rejection = z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() });
export type Rejection = z.infer<typeof Rejection>;

export const OutboxEntry = z.object({
  id: z.string(),
  clientSeq: z.number().int(),
  name: MutationName,
  createdAt: z.string(),
  status: z.enum(['pending', 'applied', 'rejected']),
  rejection: Rejection.nullable(),
  settledAt: z.string().nullable(),
});
export type OutboxEntry = z.infer<typeof OutboxEntry>;

type Row = typeof outbox.$inferSelect;

/** Pending mutations of one name (outboxRepo.pendingByName). */
export interface PendingGroup {
  name: MutationName;
  count: number;
  lessons: number;
  courses: number;
}

/** The mutation as sent to the server, from its row (null when the row no longer parses: it is rejected locally). */
export function rowToMutation(row: Row): Mutation | null {
  let args: unknown;
  try {
    args = JSON.parse(row.argsJson);
  } catch {
    return null;
  }
  const m = Mutation.safeParse({
    id: row.id,
    clientSeq: row.seq,
    createdAt: row.createdAt,
    name: row.name,
    args,
  });
  return m.success ? m.data : null;
}

function rejectionOf(row: Row): Rejection | null {
  if (row.status !== 'rejected' || !row.resultJson) return null;
  const r = Rejection.safeParse(JSON.parse(row.resultJson));
  return r.success ? r.data : { code: 'rejected', message: 'The server refused this change.' };
}

/** The device's ordered record of its own changes. Every write happens inside the caller's transaction. */
export function outboxRepo(db: LocalDb) {
  return {
    /** Append a mutation (inside the transaction that also applies it locally). Returns it as it will be sent. */
    append(userId: string, m: NewMutation, now = new Date()): Mutation {
      const id = uuidv7();
      const createdAt = now.toISOString();
      const row = db
        .insert(outbox)
        .values({
          id,
          userId,
          name: m.name,
          argsJson: JSON.stringify(m.args),
          createdAt,
          status: 'pending',
          dismissed: false,
        })
        .returning({ seq: outbox.seq })
        .get();
      return Mutation.parse({ ...m, id, clientSeq: row.seq, createdAt });
    },

    /** Rows still waiting for the server's answer, oldest first. */
    pendingRows(userId: string, limit = 10_000): Row[] {
      return db
        .select()
        .from(outbox)
        .where(and(eq(outbox.userId, userId), eq(outbox.status, 'pending')))
        .orderBy(asc(outbox.seq))
        .limit(limit)
        .all();
    },

    /**
     * The pending rows that may be sent now, oldest first: those of a course locked after a refused voucher wait
     * (payments/local-voucher.ts) until the student owns the course, so the work done in it is not refused and lost.
     */
    sendableRows(userId: string, limit = 10_000): Row[] {
      return db
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.userId, userId),
            eq(outbox.status, 'pending'),
            sql`coalesce(json_extract(${outbox.argsJson}, '$.courseId'), '') NOT IN (SELECT course_id FROM course_locks WHERE user_id = ${userId})`,
          ),
        )
        .orderBy(asc(outbox.seq))
        .limit(limit)
        .all();
    },

    pending(userId: string, limit = 10_000): Mutation[] {
      return this.pendingRows(userId, limit)
        .map(rowToMutation)
        .filter((m): m is Mutation => m !== null);
    },

    pendingCount(userId: string): number {
      return (
        db
          .select({ n: sql<number>`count(*)` })
          .from(outbox)
          .where(and(eq(outbox.userId, userId), eq(outbox.status, 'pending')))
          .get()?.n ?? 0
      );
    },

    /**
     * Pending mutations by name: how many, and how many distinct lessons and courses they touch (a video watched for
     * an hour is many progress events in one lesson). status.ts turns these into what the student reads.
     */
    pendingByName(userId: string): PendingGroup[] {
      return db
        .select({
          name: outbox.name,
          count: sql<number>`count(*)`,
          lessons: sql<number>`count(DISTINCT json_extract(${outbox.argsJson}, '$.lessonId'))`,
          courses: sql<number>`count(DISTINCT json_extract(${outbox.argsJson}, '$.courseId'))`,
        })
        .from(outbox)
        .where(and(eq(outbox.userId, userId), eq(outbox.status, 'pending')))
        .groupBy(outbox.name)
        .all()
        .flatMap((g) => {
          const name = MutationName.safeParse(g.name);
          return name.success ? [{ ...g, name: name.data }] : [];
        });
    },

    get(id: string): Row | null {
      return db.select().from(outbox).where(eq(outbox.id, id)).get() ?? null;
    },

    /** Record the server's answer to one mutation (only a pending one changes). */
    settle(result: MutationResult, now = new Date()): void {
      const resultJson =
        result.status === 'applied'
          ? JSON.stringify(result.result ?? null)
          : JSON.stringify({ code: result.code, message: result.message, details: result.details });
      db.update(outbox)
        .set({ status: result.status, resultJson, settledAt: now.toISOString() })
        .where(and(eq(outbox.id, result.id), eq(outbox.status, 'pending')))
        .run();
    },

    /** Rejections the student has not put away yet, newest first. */
    rejections(
      userId: string,
      opts: { includeDismissed?: boolean } = {},
    ): (OutboxEntry & { args: unknown })[] {
      const rows = db
        .select()
        .from(outbox)
        .where(
          and(
            eq(outbox.userId, userId),
            eq(outbox.status, 'rejected'),
            opts.includeDismissed ? undefined : eq(outbox.dismissed, false),
          ),
        )
        .orderBy(sql`${outbox.seq} DESC`)
        .all();
      return rows.map((r) => ({ ...toEntry(r), args: JSON.parse(r.argsJson) as unknown }));
    },

    dismiss(userId: string, id: string): boolean {
      const r = db
        .update(outbox)
        .set({ dismissed: true })
        .where(and(eq(outbox.userId, userId), eq(outbox.id, id), eq(outbox.status, 'rejected')))
        .run();
      return r.changes > 0;
    },

    all(userId: string): OutboxEntry[] {
      return db
        .select()
        .from(outbox)
        .where(eq(outbox.userId, userId))
        .orderBy(asc(outbox.seq))
        .all()
        .map(toEntry);
    },
  };
}
export type OutboxRepo = ReturnType<typeof outboxRepo>;

function toEntry(r: Row): OutboxEntry {
  return {
    id: r.id,
    clientSeq: r.seq,
    name: MutationName.catch('recordProgress').parse(r.name),
    createdAt: r.createdAt,
    status: r.status,
    rejection: rejectionOf(r),
    settledAt: r.settledAt,
  };
}
