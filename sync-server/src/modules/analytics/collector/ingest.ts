import type pg from 'pg';
import { toLearningEvent, type LearningEvent, type StoredStatement } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import { TOPICS, type EventStream } from '../stream/port.ts';
import type { DeadLetterInput, DeadLetterStore } from './dead-letters.ts';
import { claimedId, prepareStatement, sameStatement } from './normalize.ts';
import { statementWriter } from './statement-writer.ts';
import type { Ingest, IngestMeta, IngestRejection, IngestResult } from './port.ts';

export interface IngestDeps {
  pool: pg.Pool;
  stream: EventStream;
  deadLetters: DeadLetterStore;
  now?: () => Date;
  /** Told after every call (metrics: collected / duplicate / dead-lettered counts per source). */
  onIngested?: (meta: IngestMeta, result: IngestResult) => void;
}

interface Fresh {
  index: number;
  id: string;
  statement: StoredStatement;
  timestampGiven: boolean;
  json: string;
  event: LearningEvent;
  /** Later items of the same request repeating this one (counted as duplicates). */
  repeats: number[];
}

/**
 * The collector's single way in (see port.ts). Per call: validation in memory, ONE select of the ids already
 * collected, ONE publish of the new events, ONE multi-row insert of their statements (after the publish, so a crash
 * in between re-publishes rather than loses; group-committed with concurrent calls), ONE insert of the dead letters.
 */
export function createIngest(deps: IngestDeps): Ingest {
  const now = deps.now ?? (() => new Date());
  const statements = statementWriter(deps.pool);
  return async function ingest(items, meta) {
    const stored = now().toISOString();
    const rejected: IngestRejection[] = [];
    const dead: DeadLetterInput[] = [];
    const reject = (index: number, id: string | null, kind: IngestRejection['kind'], reason: string) => {
      rejected.push({ index, id, kind, reason });
      dead.push({ source: meta.source, origin: meta.origin, reason, payload: items[index] });
    };

    // 1. validate and complete each item; settle repeats inside the request
    const candidates = new Map<string, Fresh>();
    const ids: (string | null)[] = new Array<string | null>(items.length).fill(null);
    let duplicates = 0;
    for (let index = 0; index < items.length; index++) {
      const p = prepareStatement(items[index], {
        stored,
        newId,
        ...(meta.actorUserId !== undefined ? { actorUserId: meta.actorUserId } : {}),
      });
      if (!p.ok) {
        reject(index, claimedId(items[index]), p.kind, p.reason);
        continue;
      }
      const id = p.statement.id;
      const earlier = candidates.get(id);
      if (earlier) {
        if (meta.atomic) reject(index, id, 'invalid', `The statement id ${id} appears twice in the request`);
        else if (sameStatement(p.statement, p.timestampGiven, earlier.statement)) {
          duplicates++;
          ids[index] = id;
          earlier.repeats.push(index);
        } else
          reject(
            index,
            id,
            'conflict',
            `conflict: statement ${id} appears twice in the upload with other content`,
          );
        continue;
      }
      ids[index] = id;
      candidates.set(id, {
        index,
        id,
        statement: p.statement,
        timestampGiven: p.timestampGiven,
        json: p.json,
        event: toLearningEvent(p.statement, {
          source: meta.source,
          deviceId: meta.deviceId ?? null,
          skewMs: meta.skewMs ?? null,
        }),
        repeats: [],
      });
    }

    // 2. statements collected before: same content → duplicate, other content → conflict
    if (candidates.size) {
      const { rows } = await deps.pool.query<{ id: string; statement: StoredStatement }>(
        'SELECT id, statement::json AS statement FROM analytics.statements WHERE id = ANY($1::uuid[])',
        [[...candidates.keys()]],
      );
      for (const row of rows) {
        const c = candidates.get(row.id);
        if (!c) continue;
        candidates.delete(row.id);
        if (sameStatement(c.statement, c.timestampGiven, row.statement)) duplicates++;
        else {
          const reason = `conflict: statement ${c.id} was already collected with other content; a statement is immutable`;
          for (const index of [c.index, ...c.repeats]) {
            ids[index] = null;
            reject(index, c.id, 'conflict', reason);
          }
          duplicates -= c.repeats.length;
        }
      }
    }

    rejected.sort((a, b) => a.index - b.index);
    // 3. all or nothing: a rejected item keeps the whole request out
    if (meta.atomic && rejected.length) {
      await deps.deadLetters.record(dead);
      const result: IngestResult = { ids: [], accepted: 0, duplicates: 0, rejected };
      deps.onIngested?.(meta, result);
      return result;
    }

    // 4. publish first, record after
    const fresh = [...candidates.values()];
    await deps.deadLetters.record(dead);
    if (fresh.length) {
      await deps.stream.publish(
        TOPICS.learning,
        fresh.map((f) => f.event),
      );
      const skewMs = meta.skewMs ?? null;
      await statements.write(
        fresh.map((f) => ({
          id: f.id,
          json: f.json,
          actor: f.event.actor,
          verb: f.event.verbId,
          activity: f.event.objectId,
          registration: f.event.registration,
          timestamp: f.event.timestamp,
          stored,
          source: meta.source,
          deviceId: meta.deviceId ?? null,
          skewMs,
        })),
      );
    }
    const result: IngestResult = {
      ids: ids.filter((id): id is string => id !== null),
      accepted: fresh.length,
      duplicates,
      rejected,
    };
    deps.onIngested?.(meta, result);
    return result;
  };
}
