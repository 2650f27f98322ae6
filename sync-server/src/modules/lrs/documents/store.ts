import type pg from 'pg';
import { etagOf } from './concurrency.ts';
import { withTransaction } from '../../../db/transaction.ts';

export type DocumentKind = 'state' | 'activity_profile' | 'agent_profile';

/** The context a document lives in; '' for the parts a resource does not use. */
export interface DocumentContext {
  kind: DocumentKind;
  activityId: string;
  agent: string;
  registration: string;
}

export interface StoredDocument {
  id: string;
  contentType: string;
  content: Buffer;
  etag: string;
  updated: Date;
}

/** What a write decides after seeing the current document: new contents, a delete, or nothing. */
export type Decision = { contentType: string; content: Buffer } | 'delete' | null;

interface Row {
  document_id: string;
  content_type: string;
  content: Buffer;
  etag: string;
  updated: Date;
}
const toDoc = (r: Row): StoredDocument => ({
  id: r.document_id,
  contentType: r.content_type,
  content: r.content,
  etag: r.etag,
  updated: r.updated,
});

const CTX = 'kind = $1 AND activity_id = $2 AND agent = $3 AND registration = $4';
const ctxParams = (c: DocumentContext) => [c.kind, c.activityId, c.agent, c.registration];

/** lrs.documents: the State, Activity Profile and Agent Profile documents. */
export function documentStore(pool: pg.Pool, now: () => Date) {
  return {
    async get(c: DocumentContext, id: string): Promise<StoredDocument | undefined> {
      const { rows } = await pool.query<Row>(
        `SELECT document_id, content_type, content, etag, updated FROM lrs.documents WHERE ${CTX} AND document_id = $5`,
        [...ctxParams(c), id],
      );
      return rows[0] ? toDoc(rows[0]) : undefined;
    },

    /** The ids in a context (updated after `since`, exclusive), and when the latest of them was updated. */
    async list(c: DocumentContext, since?: string): Promise<{ ids: string[]; updated: Date | null }> {
      const { rows } = await pool.query<{ document_id: string; updated: Date }>(
        `SELECT document_id, updated FROM lrs.documents WHERE ${CTX}
           AND ($5::timestamptz IS NULL OR updated > $5::timestamptz) ORDER BY document_id`,
        [...ctxParams(c), since ?? null],
      );
      const latest = rows.reduce<Date | null>((m, r) => (!m || r.updated > m ? r.updated : m), null);
      return { ids: rows.map((r) => r.document_id), updated: latest };
    },

    /**
     * Change one document under a row lock: `decide` sees the current document (or undefined) and answers what to
     * store; it throws to refuse (nothing changes). A concurrent first write of the same document is retried.
     */
    async change(
      c: DocumentContext,
      id: string,
      decide: (current: StoredDocument | undefined) => Decision,
    ): Promise<void> {
      for (let attempt = 0; ; attempt++) {
        // A first write that lost the race to a concurrent one wrote nothing: its empty transaction commits, and the
        // next attempt sees (and locks) the other's row.
        const done = await withTransaction(pool, async (client) => {
          const { rows } = await client.query<Row>(
            `SELECT document_id, content_type, content, etag, updated FROM lrs.documents
               WHERE ${CTX} AND document_id = $5 FOR UPDATE`,
            [...ctxParams(c), id],
          );
          const current = rows[0] ? toDoc(rows[0]) : undefined;
          const next = decide(current);
          let done = true;
          if (next === 'delete') {
            if (current)
              await client.query(`DELETE FROM lrs.documents WHERE ${CTX} AND document_id = $5`, [
                ...ctxParams(c),
                id,
              ]);
          } else if (next) {
            const values = [...ctxParams(c), id, next.contentType, next.content, etagOf(next.content), now()];
            if (current)
              await client.query(
                `UPDATE lrs.documents SET content_type = $6, content = $7, etag = $8, updated = $9
                   WHERE ${CTX} AND document_id = $5`,
                values,
              );
            else {
              const r = await client.query(
                `INSERT INTO lrs.documents (kind, activity_id, agent, registration, document_id, content_type, content, etag, updated)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
                values,
              );
              done = r.rowCount === 1;
            }
          }
          return done;
        });
        if (done || attempt >= 2) return;
      }
    },

    /** Delete every document of a context (the State resource's multiple-document DELETE). */
    async deleteAll(c: DocumentContext): Promise<number> {
      const r = await pool.query(`DELETE FROM lrs.documents WHERE ${CTX}`, ctxParams(c));
      return r.rowCount ?? 0;
    },
  };
}
export type DocumentStore = ReturnType<typeof documentStore>;
