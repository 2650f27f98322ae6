import type pg from 'pg';
import type { Logger } from 'pino';
import type { Mutation, MutationResult, ReceivedPush } from '@lyceum/contracts';
import { isDataException } from '../../db/errors.ts';
import { ApiError } from '../../http/errors.ts';
import type { Caller } from '../../http/route.ts';
import type { Appliers, HotApplier, Outcome } from './appliers.ts';
import { Semaphore } from './semaphore.ts';

interface Recorded {
  mutation_id: string;
  user_id: string;
  status: 'applied' | 'rejected';
  result: { result?: unknown; code?: string; message?: string; details?: unknown } | null;
}

interface ChangeRow {
  scope: string;
  entity: 'lesson_progress' | 'enrollment' | 'quiz_attempt';
  entity_id: string;
  ref: string;
}

interface Row {
  mutation_id: string;
  name: string;
  client_seq: number;
  status: 'applied' | 'rejected';
  result: Recorded['result'];
}

/** An unexpected error at mutations[index]: the batch stops there. */
class StopAt extends Error {
  constructor(
    readonly index: number,
    override readonly cause: unknown,
  ) {
    super('unexpected error while applying a mutation');
  }
}

/**
 * An applied mutation's answer. A progress record answers no result: the merged lesson state reaches the device with
 * its next pull (it pulls after every push), and 200 lesson states per push were a fifth of the push's cost.
 * A quiz attempt answers its grade.
 */
const applied = (m: Mutation, duplicate: boolean, result: unknown): MutationResult =>
  m.name === 'recordProgress'
    ? { id: m.id, status: 'applied', duplicate }
    : { id: m.id, status: 'applied', duplicate, result };

const isHot = (m: Mutation) => m.name === 'recordProgress' || m.name === 'submitQuizAttempt';

/** What a stored record answers to a retry. */
function replay(r: Recorded): MutationResult {
  const stored = r.result ?? {};
  if (r.status === 'applied')
    return {
      id: r.mutation_id,
      status: 'applied',
      duplicate: true,
      ...(stored.result !== undefined ? { result: stored.result } : {}),
    };
  return {
    id: r.mutation_id,
    status: 'rejected',
    code: stored.code ?? 'conflict',
    message: stored.message ?? 'Rejected',
    ...(stored.details !== undefined ? { details: stored.details } : {}),
  };
}

/** A mutation whose values PostgreSQL refused (a data exception): the same values fail every time, so it is rejected. */
const unstorable = (id: string): MutationResult =>
  rejected(id, new ApiError('validation_failed', 'This change holds a value that cannot be stored'));

const rejected = (id: string, err: ApiError): MutationResult => ({
  id,
  status: 'rejected',
  code: err.code,
  message: err.message,
  ...(err.details !== undefined ? { details: err.details } : {}),
});

function toRow(m: Mutation, r: MutationResult): Row {
  return r.status === 'applied'
    ? {
        mutation_id: m.id,
        name: m.name,
        client_seq: m.clientSeq,
        status: 'applied',
        // Progress and attempts answer a replay from their own tables (see run); others keep their answer here.
        result: isHot(m) || r.result === undefined ? null : { result: r.result },
      }
    : {
        mutation_id: m.id,
        name: m.name,
        client_seq: m.clientSeq,
        status: 'rejected',
        result: { code: r.code, message: r.message, details: r.details },
      };
}

/**
 * Applies a device's mutations in order, exactly once.
 *
 * One transaction per push (not per mutation; per-mutation transactions measured 1.3-2.2k mutations/s on 2 cores):
 * the device's advisory lock (a retry racing its original waits, then finds it recorded), one lookup of the ids
 * already recorded, then the mutations. Progress records and quiz attempts (nearly all of any outbox) are applied in
 * one set-based statement per kind (progress writers recordBatch, submitBatch), inside the transaction. A rejected one
 * (ApiError) has written nothing (the statements check before they write), so no SAVEPOINT is needed; 200 of them per
 * transaction would also overflow PostgreSQL's per-backend subtransaction cache. The mutations' records are written by
 * one INSERT in the same transaction as their effects, so an effect and its record commit together or not at all, and
 * so do the change-log rows of those effects (triggers are switched off for this transaction and the push logs each
 * changed entity once). Enroll, unenroll, preferences and ratings go through their services on their own connections,
 * after everything before them, and are idempotent by intent (enrolling when enrolled is applied, preferences and
 * ratings are replaced), so a crash between their effect and the commit of their record only re-applies them harmlessly.
 *
 * An unexpected error stops the batch at that mutation: the transaction is rolled back, the mutations before it are
 * applied again in a new one and answered, the rest has no result and is pushed again by the client.
 */
export function pushService(
  pool: pg.Pool,
  appliers: Appliers,
  logger: Logger,
  opts: { concurrency: number; onCommitted: () => void },
) {
  // Pushes hold a connection for their whole run and their services borrow more from the same pool (course
  // structures, enrollments): at most half the pool pushes at once (see index.ts), so they can never starve them.
  const gate = new Semaphore(Math.max(1, opts.concurrency));

  async function flush(client: pg.PoolClient, rows: Row[], deviceId: string, userId: string): Promise<void> {
    if (rows.length === 0) return;
    await client.query(
      `INSERT INTO sync_mutations (mutation_id, device_id, user_id, name, client_seq, status, result)
       SELECT x.mutation_id, $2, $3, x.name, x.client_seq, x.status, x.result
       FROM jsonb_to_recordset($1::jsonb) AS x(mutation_id uuid, name text, client_seq bigint, status text, result jsonb)
       ON CONFLICT (mutation_id) DO NOTHING`,
      [JSON.stringify(rows), deviceId, userId],
    );
    rows.length = 0;
  }

  /**
   * isolate: each mutation alone in a SAVEPOINT, progress and attempts one by one (no set-based statements). Only after
   * a data exception stopped a push: then the mutation PostgreSQL refuses is rejected alone and the others applied.
   */
  async function run(
    caller: Caller,
    deviceId: string,
    mutations: Mutation[],
    isolate = false,
  ): Promise<MutationResult[]> {
    const results: MutationResult[] = [];
    const client = await pool.connect();
    let open = false;
    let released = false;
    try {
      await client.query('BEGIN');
      open = true;
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 7421))', [deviceId]);
      // This transaction logs the changes of its progress and attempts itself, once each, with the records below.
      await client.query(`SET LOCAL lyceum.sync_capture = 'off'`);
      const known = await client.query<Recorded>(
        'SELECT mutation_id, user_id, status, result FROM sync_mutations WHERE mutation_id = ANY($1::uuid[])',
        [mutations.map((m) => m.id)],
      );
      const recorded = new Map(known.rows.map((r) => [r.mutation_id, r]));
      const pending: Row[] = [];
      const hot: HotApplier = appliers.hot(client);
      const changes = new Map<string, ChangeRow>();
      const logChange = (entity: ChangeRow['entity'], id: string, ref: string) =>
        changes.set(`${entity}:${id}`, { scope: `user:${caller.id}`, entity, entity_id: id, ref });
      const slots: (MutationResult | undefined)[] = new Array<MutationResult | undefined>(mutations.length);
      const firstIndex = new Map<string, number>();
      const copies: [number, number][] = [];
      // Applied progress and attempts are not stored with their answer: a replay goes through the recorders again,
      // which find the event or attempt by its id and answer it as a duplicate with what was stored then.
      const replayed = new Set<number>();

      const settle = (index: number, m: Mutation, result: MutationResult) => {
        if (replayed.has(index)) {
          // Recorded as applied: whatever the recorder says now (a lesson deleted since), it stays applied.
          slots[index] =
            result.status === 'applied'
              ? { ...result, duplicate: true }
              : { id: m.id, status: 'applied', duplicate: true };
          return;
        }
        slots[index] = result;
        pending.push(toRow(m, result));
        if (result.status === 'applied' && !result.duplicate && isHot(m)) {
          const { courseId, lessonId } = m.args as { courseId: string; lessonId: string };
          logChange('lesson_progress', lessonId, courseId);
          logChange('enrollment', courseId, courseId);
          if (m.name === 'submitQuizAttempt') logChange('quiz_attempt', m.args.id, courseId);
        }
      };
      // One mutation through its recorder. No SAVEPOINT: a recorder that rejects (ApiError) has written nothing, and
      // 200 subtransactions per transaction would overflow PostgreSQL's per-backend subxid cache (every snapshot in
      // the cluster then pays for it).
      const one = async (index: number, m: Mutation) => {
        const savepoint = isolate && isHot(m);
        try {
          if (savepoint) await client.query('SAVEPOINT one');
          if (isHot(m)) {
            const out = await hot.apply(caller, m);
            if (savepoint) await client.query('RELEASE SAVEPOINT one');
            settle(index, m, applied(m, out.duplicate, out.result));
          } else {
            const out = await appliers.other(caller, m, deviceId);
            settle(index, m, {
              id: m.id,
              status: 'applied',
              duplicate: false,
              ...(out === undefined ? {} : { result: out }),
            });
          }
        } catch (err) {
          if (savepoint) await client.query('ROLLBACK TO SAVEPOINT one');
          // Enroll, preferences and ratings run on their own connections: a refused value there leaves this
          // transaction intact. In the push's own transaction only a savepoint can undo it (isolate).
          if (isDataException(err) && (savepoint || !isHot(m))) {
            settle(index, m, unstorable(m.id));
            return;
          }
          if (!(err instanceof ApiError)) throw new StopAt(index, err);
          settle(index, m, rejected(m.id, err));
        }
      };
      // Progress records and quiz attempts (nearly all of any outbox) are applied in one statement per kind: their
      // merges into lesson states are commutative, attempts are numbered in push order, so deferring them to the next
      // enroll / unenroll / preferences / rating (which must see everything before it) or to the end changes nothing.
      type HotM = Extract<Mutation, { name: 'recordProgress' | 'submitQuizAttempt' }>;
      const batches = {
        recordProgress: [] as { index: number; m: HotM }[],
        submitQuizAttempt: [] as { index: number; m: HotM }[],
      };
      const batchIds = { recordProgress: new Set<string>(), submitQuizAttempt: new Set<string>() };
      const flushBatch = async () => {
        for (const name of ['recordProgress', 'submitQuizAttempt'] as const) {
          const items = batches[name];
          if (!items.length) continue;
          batches[name] = [];
          batchIds[name].clear();
          let outcomes: Outcome[];
          try {
            outcomes =
              name === 'recordProgress'
                ? await hot.applyProgressBatch(
                    caller,
                    items.map((i) => i.m.args as Extract<HotM, { name: 'recordProgress' }>['args']),
                  )
                : await hot.applyAttemptBatch(
                    caller,
                    items.map((i) => i.m.args as Extract<HotM, { name: 'submitQuizAttempt' }>['args']),
                  );
          } catch (err) {
            throw new StopAt(
              Math.min(
                ...Object.values(batches)
                  .flat()
                  .map((i) => i.index),
                items[0]!.index,
              ),
              err,
            );
          }
          for (const [k, o] of outcomes.entries()) {
            const { index, m } = items[k]!;
            if (o.ok === true) settle(index, m, applied(m, o.duplicate, o.result));
            else if (o.ok === false) settle(index, m, rejected(m.id, o.error));
            else await one(index, m);
          }
        }
      };

      // Course draft edits (authoring) in a row are applied together (per course, one transaction, the draft read
      // and written once), each still applied or refused on its own; their effects are on the draft only.
      let edits: { index: number; m: Mutation }[] = [];
      const flushEdits = async () => {
        if (!edits.length) return;
        const items = edits;
        edits = [];
        let outcomes: Outcome[];
        try {
          outcomes = await appliers.edits.apply(
            caller,
            deviceId,
            items.map((i) => i.m),
          );
        } catch (err) {
          throw new StopAt(items[0]!.index, err);
        }
        for (const [k, o] of outcomes.entries()) {
          const { index, m } = items[k]!;
          if (o.ok === true) settle(index, m, applied(m, false, o.result));
          else if (o.ok === false) settle(index, m, rejected(m.id, o.error));
          else await one(index, m);
        }
      };

      for (const [index, m] of mutations.entries()) {
        const prior = recorded.get(m.id);
        if (prior && (prior.user_id !== caller.id || prior.status === 'rejected' || !isHot(m))) {
          slots[index] =
            prior.user_id === caller.id
              ? replay(prior)
              : rejected(
                  m.id,
                  new ApiError(
                    'idempotency_conflict',
                    'This mutation id was already used by another account',
                  ),
                );
          continue;
        }
        const first = firstIndex.get(m.id);
        if (first !== undefined) {
          // The same id twice in one push: the first one is the mutation, the second a duplicate of it.
          copies.push([index, first]);
          continue;
        }
        firstIndex.set(m.id, index);
        if (prior) replayed.add(index);
        if (!isolate && (m.name === 'recordProgress' || m.name === 'submitQuizAttempt')) {
          if (batchIds[m.name].has(m.args.id)) await flushBatch();
          batches[m.name].push({ index, m });
          batchIds[m.name].add(m.args.id);
          continue;
        }
        if (!isolate && appliers.edits.accepts(m)) {
          edits.push({ index, m });
          continue;
        }
        await flushBatch();
        await flushEdits();
        await one(index, m);
      }
      await flushBatch();
      await flushEdits();
      for (const [i, j] of copies) {
        const r = slots[j]!;
        slots[i] = r.status === 'applied' ? { ...r, duplicate: true } : r;
      }
      results.push(...slots.map((r) => r!));
      await flush(client, pending, deviceId, caller.id);
      if (changes.size)
        await client.query(
          `INSERT INTO change_pending (scope, entity, entity_id, ref)
           SELECT x.scope, x.entity, x.entity_id, x.ref FROM jsonb_to_recordset($1::jsonb) AS x(scope text, entity text, entity_id uuid, ref uuid)`,
          [JSON.stringify([...changes.values()])],
        );
      await client.query('COMMIT');
      open = false;
      opts.onCommitted();
      return results;
    } catch (err) {
      if (open) await client.query('ROLLBACK').catch(() => {});
      if (!(err instanceof StopAt)) throw err;
      if (!isolate && isDataException(err.cause)) {
        // A value PostgreSQL refuses, somewhere in a set-based statement: apply the push again one mutation at a time,
        // so that mutation alone is rejected and the others applied.
        logger.warn({ err: err.cause }, 'sync push: a value was refused; applying the mutations one by one');
        client.release();
        released = true;
        return run(caller, deviceId, mutations, true);
      }
      logger.error(
        { err: err.cause, mutation: mutations[err.index]?.id },
        'sync push: unexpected error; applying the mutations before it only',
      );
      client.release();
      released = true;
      // The transaction is gone: apply the prefix again (it applied cleanly) and leave the rest without results.
      return err.index > 0 ? run(caller, deviceId, mutations.slice(0, err.index)) : [];
    } finally {
      if (!released) client.release();
    }
  }

  return {
    /** Apply a push; also answers how long it waited for a free slot and how long it ran (ms). */
    async push(
      caller: Caller,
      deviceId: string,
      received: ReceivedPush['mutations'],
    ): Promise<{ results: MutationResult[]; waitedMs: number; ranMs: number }> {
      const readable = received.filter((m): m is Mutation => !('unreadable' in m));
      const t0 = performance.now();
      let t1 = t0;
      const answered = await gate.run(() => {
        t1 = performance.now();
        return run(caller, deviceId, readable);
      });
      return { results: merge(received, answered), waitedMs: t1 - t0, ranMs: performance.now() - t1 };
    },
  };
}
export type PushService = ReturnType<typeof pushService>;

/**
 * The answers in push order: an unreadable mutation is rejected (validation_failed, with what was wrong), the others
 * answer what run said. Run may answer only a prefix (an unexpected error): the answers stop where its do.
 */
function merge(received: ReceivedPush['mutations'], results: MutationResult[]): MutationResult[] {
  const out: MutationResult[] = [];
  let next = 0;
  for (const m of received) {
    if ('unreadable' in m) {
      out.push({
        id: m.id,
        status: 'rejected',
        code: 'validation_failed',
        message: 'This change is not valid',
        details: { issues: m.unreadable },
      });
      continue;
    }
    const r = results[next++];
    if (!r) break;
    out.push(r);
  }
  return out;
}
