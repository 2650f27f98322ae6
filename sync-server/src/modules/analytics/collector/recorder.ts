import type pg from 'pg';
import type { LearningEvent } from '@lyceum/contracts';
import { TOPICS, type EventStream } from '../stream/port.ts';
import { isEmbeddedLog, type PostgresEventStream } from '../stream/postgres.ts';
import { PublishQueue } from '../stream/publish-queue.ts';
import { insertStatements, statementWriter, type StatementRow } from './statement-writer.ts';
import { withTransaction } from '../../../db/transaction.ts';

/** How the collector keeps new statements: in its record (analytics.statements, the xAPI resource) and in the stream. */
export interface Recorder {
  /**
   * true: record() itself leaves out every id recorded before (or by a concurrent call) and says which it kept;
   * false: it keeps everything it is given, so the caller must leave out the ids recorded before.
   */
  readonly tellsRepeats: boolean;
  /** Keep these statements (rows[i] and events[i] are one statement); resolves with the ids kept by this call. */
  record(rows: readonly StatementRow[], events: readonly LearningEvent[]): Promise<ReadonlySet<string>>;
}

/**
 * Any stream (Kafka): publish first, record after, so that a crash in between publishes again on the sender's retry
 * (the processor is idempotent on the id) rather than losing the event.
 */
export function publishThenRecord(pool: pg.Pool, stream: EventStream): Recorder {
  const statements = statementWriter(pool);
  return {
    tellsRepeats: false,
    async record(rows, events) {
      await stream.publish(TOPICS.learning, events);
      await statements.write(rows);
      return new Set(rows.map((r) => r.id));
    },
  };
}

interface Entry {
  rows: readonly StatementRow[];
  events: readonly LearningEvent[];
  kept: Set<string>;
}

/**
 * The embedded log, in the record's own database: ONE transaction records the statements and appends the events of
 * those not recorded before, so both happen or neither does. The record's primary key is the duplicate check
 * (INSERT … ON CONFLICT DO NOTHING RETURNING id): no separate look-up, one commit instead of two. Group-committed:
 * the calls that arrive while a transaction runs share the next one (up to `maxRows` statements); an id in two of
 * them is kept by the first. Two transactions run at a time, so one's statement insert overlaps the other's append
 * and commit (the log's partition heads order their appends); with one, the collector's own round trips and
 * commit waits capped it below what the machine could do (bench:ingest, 11,000 events/s offered: 9,600 taken).
 */
const LANES = 2;
export function recordWithAppend(pool: pg.Pool, stream: PostgresEventStream, maxRows = 5000): Recorder {
  const queue = new PublishQueue<Entry>(
    async (_topic, entries) => {
      // In id order: two transactions that insert some of the same ids wait for each other in one order only.
      const rows = (entries.length === 1 ? [...entries[0]!.rows] : entries.flatMap((e) => e.rows)).sort(
        (a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      );
      try {
        await withTransaction(pool, async (client) => {
          const fresh = await insertStatements(client, rows);
          const events: LearningEvent[] = [];
          for (const e of entries)
            e.rows.forEach((r, i) => {
              if (!fresh.delete(r.id)) return;
              e.kept.add(r.id);
              events.push(e.events[i]!);
            });
          await stream.appendWithin(client, TOPICS.learning, events);
        });
      } catch (err) {
        for (const e of entries) e.kept.clear();
        throw err;
      }
    },
    maxRows,
    LANES,
  );
  return {
    tellsRepeats: true,
    async record(rows, events) {
      const entry: Entry = { rows, events, kept: new Set() };
      if (rows.length) await queue.push('statements', rows.length, entry);
      return entry.kept;
    },
  };
}

/** The embedded log shares the collector's database: one transaction; any other stream: publish, then record. */
export function recorderFor(pool: pg.Pool, stream: EventStream): Recorder {
  return isEmbeddedLog(stream) ? recordWithAppend(pool, stream) : publishThenRecord(pool, stream);
}
