import type { estypes } from '@elastic/elasticsearch';
import {
  StaleTimelineError,
  type FactWrite,
  type Instant,
  type IngestTransaction,
  type Session,
  type SessionWindow,
  type TimelineEntry,
  type TimelineWindow,
  type WriteResult,
} from './port.ts';
import { bulkWrite, expectSettled, type BulkOp } from './es-bulk.ts';
import {
  factDoc,
  sessionDoc,
  sessionId,
  sessionOf,
  streamId,
  timelineEntry,
  type FactDoc,
  type SessionDoc,
} from './es-docs.ts';
import {
  LEARNING,
  and,
  chunks,
  exists,
  not,
  dateRange,
  or,
  retry429,
  searchAll,
  term,
  type EsContext,
  type Hit,
  type Query,
} from './es-query.ts';

/**
 * The Elasticsearch adapter's unit of work. Elasticsearch has no transactions, so `write` orders its requests so
 * that a failure part way leaves a state the retried batch repairs:
 *
 *   1. look the new facts' ids up (a learning fact already stored that the timeline did not show is stale: nothing
 *      is written, as in PostgreSQL);
 *   2. rewrite the stored facts whose active time changed and upsert the merged sessions — absolute values, so
 *      writing them twice is harmless (optimistic concurrency on the facts: a concurrent change fails the batch);
 *   3. delete the sessions absorbed into earlier-starting ones (after their replacement is written);
 *   4. create the new facts (op_type create, `_id` = event id: a 409 is a duplicate), refresh 'wait_for'.
 *
 * The facts come last: until they exist the batch has not happened, so a redelivered batch recomputes everything
 * from the timeline and the sessions as they now are. A stored session read back may already hold events of the
 * failed attempt whose facts were never created: its `events` tally is therefore recounted from the stored facts
 * when it is read, so the merge adds each event once.
 */

const SORT_ASC: estypes.SortCombinations[] = [{ '@timestamp': 'asc' }, { event_id: 'asc' }];
const SORT_DESC: estypes.SortCombinations[] = [{ '@timestamp': 'desc' }, { event_id: 'desc' }];
const BETWEEN_PAGE = 1000;
const WINDOWS_PER_REQUEST = 100;

const atInstant = (i: Instant): Query => dateRange('@timestamp', { gte: i.at, lte: i.at });
/** Facts strictly before / after an instant in (at, id) order; at or after / at or before it. */
const before = (i: Instant): Query =>
  or(dateRange('@timestamp', { lt: i.at }), and(atInstant(i), { range: { event_id: { lt: i.id } } }));
const after = (i: Instant): Query =>
  or(dateRange('@timestamp', { gt: i.at }), and(atInstant(i), { range: { event_id: { gt: i.id } } }));
const notBefore = (i: Instant): Query =>
  or(dateRange('@timestamp', { gt: i.at }), and(atInstant(i), { range: { event_id: { gte: i.id } } }));
const notAfter = (i: Instant): Query =>
  or(dateRange('@timestamp', { lt: i.at }), and(atInstant(i), { range: { event_id: { lte: i.id } } }));

/** The facts a session stream runs over (processor/index.ts: learning facts; video ones on the session's lesson). */
const streamFacts = (s: Session): Query =>
  s.kind === 'learning'
    ? and(LEARNING, term('actor', s.actor))
    : and(
        LEARNING,
        term('actor', s.actor),
        term('n.video_events', 1),
        term('course_id', s.courseId),
        term('lesson_id', s.lessonId),
        not(exists('question_id')),
      );

/** Where a stored fact lives, for rewriting it (a data stream's documents are updated in their backing index). */
interface StoredFact {
  index: string;
  seqNo?: number;
  primaryTerm?: number;
  doc: FactDoc;
}

interface MsearchItem {
  hits?: { total?: { value: number } | number; hits: Hit<FactDoc>[] };
  error?: { type?: string; reason?: string };
}

export function esTransaction(ctx: EsContext, opts: { refresh: boolean | 'wait_for' }): IngestTransaction {
  const { client, names } = ctx;
  const seen = new Map<string, StoredFact>();
  // Small writes are made visible at once; the facts (the bulk of it) wait for the next refresh.
  const force = opts.refresh !== false;
  const remember = (hits: readonly Hit<FactDoc>[]) => {
    for (const h of hits)
      seen.set(h._source.event_id, {
        index: h._index,
        seqNo: h._seq_no,
        primaryTerm: h._primary_term,
        doc: h._source,
      });
  };

  async function timelineChunk(windows: readonly TimelineWindow[]): Promise<Hit<FactDoc>[]> {
    const searches: estypes.MsearchRequestItem[] = [];
    const add = (query: Query, sort: estypes.SortCombinations[], size: number) =>
      searches.push(
        { index: names.facts },
        { query, sort, size, seq_no_primary_term: true, track_total_hits: true },
      );
    for (const w of windows) {
      const mine = and(LEARNING, term('actor', w.actor));
      add(and(mine, before(w.first)), SORT_DESC, 1);
      add(and(mine, notBefore(w.first), notAfter(w.last)), SORT_ASC, BETWEEN_PAGE);
      add(and(mine, after(w.last)), SORT_ASC, 1);
    }
    const res = await retry429(() => client.msearch<FactDoc>({ searches }));
    const out: Hit<FactDoc>[] = [];
    const items = res.responses as MsearchItem[];
    for (let i = 0; i < items.length; i += 1) {
      const item = items[i]!;
      if (item.error || !item.hits)
        throw new Error(
          `timeline search failed: ${item.error?.type ?? ''} ${item.error?.reason ?? ''}`.trim(),
        );
      const total = typeof item.hits.total === 'number' ? item.hits.total : (item.hits.total?.value ?? 0);
      if (i % 3 === 1 && total > item.hits.hits.length) {
        // A long stretch of stored events between the new ones: page through all of it.
        const body = searches[2 * i + 1] as estypes.MsearchMultisearchBody;
        out.push(
          ...(await searchAll<FactDoc>(ctx, { index: names.facts, query: body.query!, sort: SORT_ASC })),
        );
      } else out.push(...item.hits.hits);
    }
    return out;
  }

  /** Set each stored session's `events` to the number of stored facts of its stream within it. */
  async function recount(sessions: Session[]): Promise<void> {
    for (const part of chunks(sessions, WINDOWS_PER_REQUEST)) {
      const searches: estypes.MsearchRequestItem[] = [];
      for (const s of part)
        searches.push(
          { index: names.facts },
          {
            size: 0,
            track_total_hits: true,
            query: and(streamFacts(s), dateRange('@timestamp', { gte: s.startedAt, lte: s.endedAt })),
          },
        );
      const res = await retry429(() => client.msearch({ searches }));
      (res.responses as MsearchItem[]).forEach((item, i) => {
        if (item.error || !item.hits)
          throw new Error(`session recount failed: ${item.error?.type ?? ''}`.trim());
        const total = item.hits.total;
        part[i]!.events = typeof total === 'number' ? total : (total?.value ?? 0);
      });
    }
  }

  return {
    async timeline(windows: TimelineWindow[]): Promise<TimelineEntry[]> {
      const hits: Hit<FactDoc>[] = [];
      for (const part of chunks(windows, WINDOWS_PER_REQUEST)) hits.push(...(await timelineChunk(part)));
      remember(hits);
      // A window's neighbours may be another window's members (same actor twice): one entry per fact.
      const byId = new Map(hits.map((h) => [h._source.event_id, timelineEntry(h._source)]));
      return [...byId.values()];
    },

    async sessions(windows: SessionWindow[]): Promise<Session[]> {
      const out: Session[] = [];
      for (const part of chunks(windows, WINDOWS_PER_REQUEST)) {
        const query = or(
          ...part.map((w) =>
            and(
              term('stream', streamId(w)),
              dateRange('started_at', { lte: w.to }),
              dateRange('ended_at', { gte: w.from }),
            ),
          ),
        );
        const hits = await searchAll<SessionDoc>(ctx, {
          index: names.sessions,
          query,
          sort: [{ stream: 'asc' }, { started_at: 'asc' }],
        });
        out.push(...hits.map((h) => sessionOf(h._source)));
      }
      await recount(out);
      return out;
    },

    async write(w: FactWrite): Promise<WriteResult> {
      // 1. Which of the new facts are stored already (in any backing index: ids are unique per index only).
      const found = new Set<string>();
      for (const ids of chunks(
        w.facts.map((f) => f.id),
        1000,
      )) {
        const res = await retry429(() =>
          client.search({
            index: names.facts,
            size: Math.min(10_000, ids.length * 2),
            track_total_hits: false,
            _source: false,
            query: { ids: { values: ids } },
          }),
        );
        for (const h of res.hits.hits) if (h._id) found.add(h._id);
      }
      const stale = w.facts.filter((f) => f.learning && found.has(f.id)).map((f) => f.id);
      if (stale.length) throw new StaleTimelineError(stale);

      // 2. Active time of stored facts, and the merged sessions.
      const rewrites: BulkOp[] = w.activeChanges.map((c) => {
        const s = seen.get(c.entry.id);
        if (!s) throw new Error(`active time change for ${c.entry.id}, which the timeline did not return`);
        return {
          op: 'index',
          index: s.index,
          id: c.entry.id,
          doc: { ...s.doc, active_ms: c.activeMs },
          ifSeqNo: s.seqNo,
          ifPrimaryTerm: s.primaryTerm,
        };
      });
      for (const s of w.sessions.upserted)
        rewrites.push({ op: 'index', index: names.sessions, id: sessionId(s), doc: sessionDoc(s) });
      expectSettled('fact/session rewrite', await bulkWrite(ctx, rewrites, { refresh: force }));

      // 3. Sessions absorbed into an earlier-starting one (gone already is fine).
      const deletes: BulkOp[] = w.sessions.removed.map((k) => ({
        op: 'delete',
        index: names.sessions,
        id: sessionId(k),
      }));
      expectSettled('session delete', await bulkWrite(ctx, deletes, { refresh: force }), [404]);

      // 4. The new facts.
      const creates: BulkOp[] = w.facts
        .filter((f) => !found.has(f.id))
        .map((f) => ({ op: 'create', index: names.facts, id: f.id, doc: factDoc(f) }));
      const outcome = await bulkWrite(ctx, creates, { refresh: opts.refresh });
      expectSettled('fact create', outcome, [409]);
      return { inserted: outcome.succeeded };
    },
  };
}
