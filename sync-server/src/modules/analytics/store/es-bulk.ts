import type { estypes } from '@elastic/elasticsearch';
import type { EsContext } from './es-query.ts';

/**
 * Writes go through the client's bulk helper: it batches operations into bulk requests (flushed at the latest
 * every FLUSH_INTERVAL_MS), and retries the operations Elasticsearch answered 429 for (`retries` times, `wait` apart).
 * A whole request answered 429 makes the helper fail; the operations not settled yet are then sent again.
 */
export const FLUSH_INTERVAL_MS = 500;
export const BULK_RETRIES = 5;
export const BULK_WAIT_MS = 500;

export type BulkOp =
  | { op: 'create'; index: string; id: string; doc: object }
  | { op: 'index'; index: string; id: string; doc: object; ifSeqNo?: number; ifPrimaryTerm?: number }
  | { op: 'delete'; index: string; id: string };

export interface Dropped {
  op: BulkOp['op'];
  id: string;
  status: number;
  error: estypes.ErrorCause | null;
}

export interface BulkOutcome {
  /** Ids of the operations that succeeded (`created` for creates). */
  succeeded: string[];
  dropped: Dropped[];
}

type Action =
  | [{ create: estypes.BulkCreateOperation }, object]
  | [{ index: estypes.BulkIndexOperation }, object]
  | { delete: estypes.BulkDeleteOperation };

function action(o: BulkOp): Action {
  switch (o.op) {
    case 'create':
      return [{ create: { _index: o.index, _id: o.id } }, o.doc];
    case 'index':
      return [
        {
          index: {
            _index: o.index,
            _id: o.id,
            ...(o.ifSeqNo === undefined ? {} : { if_seq_no: o.ifSeqNo, if_primary_term: o.ifPrimaryTerm }),
          },
        },
        o.doc,
      ];
    case 'delete':
      return { delete: { _index: o.index, _id: o.id } };
  }
}

/** The id an action (or its response item) names. */
function idOf(item: unknown): string | null {
  if (!item || typeof item !== 'object') return null;
  const inner = Object.values(item as Record<string, { _id?: unknown } | undefined>)[0];
  return typeof inner?._id === 'string' ? inner._id : null;
}

const statusOf = (err: unknown): number | undefined =>
  (err as { meta?: { statusCode?: number } }).meta?.statusCode;

export async function bulkWrite(
  ctx: EsContext,
  ops: readonly BulkOp[],
  opts: { refresh?: boolean | 'wait_for' } = {},
): Promise<BulkOutcome> {
  const succeeded: string[] = [];
  const dropped: Dropped[] = [];
  if (!ops.length) return { succeeded, dropped };
  const settled = new Set<string>();
  const keyOf = (o: { op: string; id: string }) => `${o.op}\u0000${o.id}`;
  const byKey = new Map(ops.map((o) => [keyOf(o), o]));
  let pending: BulkOp[] = [...ops];
  for (let attempt = 0; ; attempt += 1) {
    try {
      await ctx.client.helpers.bulk<BulkOp>({
        datasource: pending,
        onDocument: action,
        flushInterval: FLUSH_INTERVAL_MS,
        retries: BULK_RETRIES,
        wait: BULK_WAIT_MS,
        concurrency: 2,
        ...(opts.refresh === undefined ? {} : { refresh: opts.refresh }),
        onSuccess: ({ result }) => {
          const op = Object.keys(result)[0] ?? '';
          const id = idOf(result);
          if (id === null) return;
          settled.add(`${op}\u0000${id}`);
          succeeded.push(id);
        },
        onDrop: (d) => {
          const op = Object.keys(d.operation)[0] as BulkOp['op'];
          const id = idOf(d.operation) ?? '';
          settled.add(`${op}\u0000${id}`);
          dropped.push({ op, id, status: d.status, error: d.error });
        },
      });
      return { succeeded, dropped };
    } catch (err) {
      if (statusOf(err) !== 429 || attempt >= BULK_RETRIES) throw err;
      pending = [...byKey.entries()].filter(([k]) => !settled.has(k)).map(([, o]) => o);
      if (!pending.length) return { succeeded, dropped };
      await new Promise((r) => setTimeout(r, BULK_WAIT_MS * 2 ** attempt));
    }
  }
}

/** Throw unless every operation succeeded, or failed only with one of `allowed` statuses. */
export function expectSettled(what: string, outcome: BulkOutcome, allowed: readonly number[] = []): void {
  const bad = outcome.dropped.filter((d) => !allowed.includes(d.status));
  if (!bad.length) return;
  const first = bad[0]!;
  throw new Error(
    `Elasticsearch refused ${bad.length} ${what} operation(s); first: ${first.op} ${first.id} → ${first.status} ${
      first.error?.type ?? ''
    } ${first.error?.reason ?? ''}`.trim(),
  );
}
