import type pg from 'pg';
import { toLearningEvent, type LearningEvent, type StoredStatement } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import type { EventStream } from '../stream/port.ts';
import type { DeadLetterInput, DeadLetterStore } from './dead-letters.ts';
import { claimedId, prepareStatement, sameStatement, sameText } from './normalize.ts';
import { recorderFor, type Recorder } from './recorder.ts';
import type { StatementRow } from './statement-writer.ts';
import type { Ingest, IngestMeta, IngestRejection, IngestResult } from './port.ts';

export interface IngestDeps {
  pool: pg.Pool;
  stream: EventStream;
  deadLetters: DeadLetterStore;
  /** How new statements are kept (default: recorderFor(pool, stream)). */
  recorder?: Recorder;
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
 * The collector's single way in (see port.ts). Per call: validation in memory, then the new statements are kept by
 * the recorder (recorder.ts): with the embedded log, one group-committed transaction records them and appends their
 * events, its primary key telling repeats apart; with Kafka, the ids already collected are looked up first (ONE
 * select), the new events published, then recorded. Repeats of known ids are compared with what was collected
 * (same content: a duplicate; other content: a conflict). ONE insert of the dead letters.
 */
export function createIngest(deps: IngestDeps): Ingest {
  const now = deps.now ?? (() => new Date());
  const recorder = deps.recorder ?? recorderFor(deps.pool, deps.stream);
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
        skewMs: meta.skewMs ?? null,
      });
      if (!p.ok) {
        reject(index, claimedId(items[index]), p.kind, p.reason);
        continue;
      }
      const id = p.statement.id;
      const earlier = candidates.get(id);
      if (earlier) {
        if (meta.atomic) reject(index, id, 'invalid', `The statement id ${id} appears twice in the request`);
        else if (
          sameAs({ ...p, stored }, { json: earlier.json, stored, statement: () => earlier.statement })
        ) {
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

    /** Candidates whose id is collected already: same content → duplicate, other content → conflict. */
    const settleKnown = async (known: readonly Fresh[]) => {
      const { rows } = await deps.pool.query<{ id: string; statement: string; stored_ms: number }>(
        `SELECT id, statement, (extract(epoch FROM stored) * 1000)::float8 AS stored_ms
         FROM analytics.statements WHERE id = ANY($1::uuid[])`,
        [known.map((c) => c.id)],
      );
      const byId = new Map(known.map((c) => [c.id, c]));
      for (const row of rows) {
        const c = byId.get(row.id);
        if (!c) continue;
        candidates.delete(row.id);
        const known = {
          json: row.statement,
          stored: new Date(row.stored_ms).toISOString(),
          statement: () => JSON.parse(row.statement) as StoredStatement,
        };
        if (sameAs({ ...c, stored }, known)) duplicates++;
        else {
          const reason = `conflict: statement ${c.id} was already collected with other content; a statement is immutable`;
          for (const index of [c.index, ...c.repeats]) {
            ids[index] = null;
            reject(index, c.id, 'conflict', reason);
          }
          duplicates -= c.repeats.length;
        }
      }
    };

    // 2. a recorder that keeps whatever it is given, and an all-or-nothing request, look up known ids first
    if (candidates.size && (!recorder.tellsRepeats || meta.atomic))
      await settleKnown([...candidates.values()]);

    // 3. all or nothing: a rejected item keeps the whole request out
    if (meta.atomic && rejected.length) return finish({ ids: [], accepted: 0, duplicates: 0, rejected });

    // 4. keep the new ones; those another call recorded first (or meanwhile) are settled after
    const fresh = [...candidates.values()];
    let accepted = 0;
    if (fresh.length) {
      const kept = await recorder.record(
        fresh.map((f) => statementRow(f, stored, meta)),
        fresh.map((f) => f.event),
      );
      accepted = kept.size;
      const repeats = fresh.filter((f) => !kept.has(f.id));
      if (repeats.length) await settleKnown(repeats);
      const lost = repeats.find((f) => candidates.has(f.id));
      if (lost) throw new Error(`statement ${lost.id} was neither recorded now nor found recorded before`);
    }
    return finish({ ids: ids.filter((id): id is string => id !== null), accepted, duplicates, rejected });

    async function finish(result: IngestResult): Promise<IngestResult> {
      rejected.sort((a, b) => a.index - b.index);
      await deps.deadLetters.record(dead);
      deps.onIngested?.(meta, result);
      return result;
    }
  };
}

/**
 * Whether a repeat carries the statement already known under its id: by text first (sameText), and only when the
 * texts differ by xAPI's comparison, for which the known statement is parsed then.
 */
function sameAs(
  repeat: { json: string; stored: string; timestampGiven: boolean; statement: StoredStatement },
  known: { json: string; stored: string; statement: () => StoredStatement },
): boolean {
  return sameText(repeat, known) || sameStatement(repeat.statement, repeat.timestampGiven, known.statement());
}

function statementRow(f: Fresh, stored: string, meta: IngestMeta): StatementRow {
  return {
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
    skewMs: meta.skewMs ?? null,
  };
}
