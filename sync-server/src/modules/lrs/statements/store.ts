import type pg from 'pg';
import type { StatementKeys } from './keys.ts';
import type { Json } from '../validation/check.ts';

export interface StatementRecord {
  id: string;
  statement: Json;
  stored: string;
  keys: StatementKeys;
  voiding: boolean;
  origin: string;
}

export interface StatementQuery {
  agent?: string;
  relatedAgents: boolean;
  verb?: string;
  activity?: string;
  relatedActivities: boolean;
  registration?: string;
  since?: string;
  until?: string;
  limit: number;
  ascending: boolean;
  after?: { stored: string; id: string };
}

export interface StatementPage {
  statements: Json[];
  next: { stored: string; id: string } | null;
}

const INSERT = `INSERT INTO lrs.statements
  (id, statement, stored, actor, verb, agents, related_agents, activities, related_activities, registration, target,
   voiding, origin)
SELECT t.id, t.statement, t.stored, t.actor, t.verb, t.agents::text[], t.related_agents::text[], t.activities::text[],
  t.related_activities::text[], t.registration, t.target, t.voiding, t.origin
FROM unnest($1::uuid[], $2::jsonb[], $3::timestamptz[], $4::text[], $5::text[], $6::text[], $7::text[],
  $8::text[], $9::text[], $10::uuid[], $11::uuid[], $12::bool[], $13::text[])
  AS t(id, statement, stored, actor, verb, agents, related_agents, activities, related_activities, registration,
    target, voiding, origin)
ON CONFLICT (id) DO NOTHING RETURNING id`;

/** A text[] of text[] cannot be unnested row by row; each row's list travels as one array literal. */
const literal = (xs: string[]) =>
  `{${xs.map((x) => `"${x.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;

/** lrs.statements (migration 0020): the LRS's statements with the keys its queries use. */
export function statementStore(pool: pg.Pool) {
  return {
    pool,
    /** Insert on `db` (in its transaction); resolves with the ids that were new. */
    async insert(db: pg.ClientBase, rows: readonly StatementRecord[]): Promise<Set<string>> {
      if (!rows.length) return new Set();
      const r = await db.query<{ id: string }>(INSERT, [
        rows.map((x) => x.id),
        rows.map((x) => JSON.stringify(x.statement)),
        rows.map((x) => x.stored),
        rows.map((x) => x.keys.actor),
        rows.map((x) => x.keys.verb),
        rows.map((x) => literal(x.keys.agents)),
        rows.map((x) => literal(x.keys.relatedAgents)),
        rows.map((x) => literal(x.keys.activities)),
        rows.map((x) => literal(x.keys.relatedActivities)),
        rows.map((x) => x.keys.registration),
        rows.map((x) => x.keys.target),
        rows.map((x) => x.voiding),
        rows.map((x) => x.origin),
      ]);
      return new Set(r.rows.map((x) => x.id));
    },

    /** Stored statements among `ids` (locked in the caller's transaction). */
    async known(db: pg.ClientBase, ids: readonly string[]) {
      if (!ids.length) return new Map<string, { statement: Json; voiding: boolean }>();
      const { rows } = await db.query<{ id: string; statement: Json; voiding: boolean }>(
        'SELECT id, statement, voiding FROM lrs.statements WHERE id = ANY($1::uuid[]) FOR UPDATE',
        [ids],
      );
      return new Map(rows.map((r) => [r.id, { statement: r.statement, voiding: r.voiding }]));
    },

    /** Mark the targets voided (voiding statements cannot be); resolves with those that were not voided before. */
    async void(db: pg.ClientBase, targets: readonly string[]): Promise<string[]> {
      if (!targets.length) return [];
      const { rows } = await db.query<{ id: string }>(
        `UPDATE lrs.statements SET voided = true WHERE id = ANY($1::uuid[]) AND NOT voiding AND NOT voided
         RETURNING id`,
        [targets],
      );
      return rows.map((r) => r.id);
    },

    /**
     * Of these newly stored statements, void those a voiding statement stored earlier targets (it arrived before its
     * target); resolves with their ids.
     */
    async voidLateTargets(db: pg.ClientBase, ids: readonly string[]): Promise<string[]> {
      if (!ids.length) return [];
      const { rows } = await db.query<{ id: string }>(
        `UPDATE lrs.statements s SET voided = true
         WHERE s.id = ANY($1::uuid[]) AND NOT s.voiding AND NOT s.voided
           AND EXISTS (SELECT 1 FROM lrs.statements v WHERE v.target = s.id AND v.voiding)
         RETURNING s.id`,
        [ids],
      );
      return rows.map((r) => r.id);
    },

    /** One statement: a voided one only when `voided` is asked, an unvoided one only otherwise. */
    async byId(id: string, voided: boolean): Promise<Json | null> {
      const { rows } = await pool.query<{ statement: Json }>(
        'SELECT statement FROM lrs.statements WHERE id = $1::uuid AND voided = $2',
        [id, voided],
      );
      return rows[0]?.statement ?? null;
    },

    /**
     * A page of unvoided statements matching the filters, and those targeting a statement that matches them
     * (xAPI-Communication 2.1.3: StatementRefs, voiding statements included), in stored order.
     */
    async query(q: StatementQuery): Promise<StatementPage> {
      const args: unknown[] = [];
      const arg = (v: unknown) => {
        args.push(v);
        return `$${args.length}`;
      };
      const cond: string[] = [];
      if (q.agent !== undefined) {
        // agents ⊆ related_agents: the related list's GIN index finds the rows, the narrower list then filters.
        const a = arg(q.agent);
        cond.push(
          `related_agents @> ARRAY[${a}::text]${q.relatedAgents ? '' : ` AND agents @> ARRAY[${a}::text]`}`,
        );
      }
      if (q.verb !== undefined) cond.push(`verb = ${arg(q.verb)}`);
      if (q.activity !== undefined) {
        const a = arg(q.activity);
        cond.push(
          `related_activities @> ARRAY[${a}::text]${q.relatedActivities ? '' : ` AND activities @> ARRAY[${a}::text]`}`,
        );
      }
      if (q.registration !== undefined) cond.push(`registration = ${arg(q.registration)}::uuid`);
      const where = ['NOT s.voided'];
      if (cond.length) {
        const c = cond.join(' AND ');
        where.push(`((${c.replaceAll(/\b(related_agents|agents|verb|related_activities|activities|registration)\b/g, 's.$1')})
          OR s.target IN (SELECT t.id FROM lrs.statements t WHERE ${c.replaceAll(/\b(related_agents|agents|verb|related_activities|activities|registration)\b/g, 't.$1')}))`);
      }
      if (q.since !== undefined) where.push(`s.stored > ${arg(q.since)}::timestamptz`);
      if (q.until !== undefined) where.push(`s.stored <= ${arg(q.until)}::timestamptz`);
      if (q.after)
        where.push(
          `(s.stored, s.id) ${q.ascending ? '>' : '<'} (${arg(q.after.stored)}::timestamptz, ${arg(q.after.id)}::uuid)`,
        );
      const dir = q.ascending ? 'ASC' : 'DESC';
      const { rows } = await pool.query<{ statement: Json; stored: Date; id: string }>(
        `SELECT s.statement, s.stored, s.id FROM lrs.statements s WHERE ${where.join(' AND ')}
         ORDER BY s.stored ${dir}, s.id ${dir} LIMIT ${arg(q.limit + 1)}`,
        args,
      );
      const page = rows.slice(0, q.limit);
      const last = page[page.length - 1];
      return {
        statements: page.map((r) => r.statement),
        next: rows.length > q.limit && last ? { stored: last.stored.toISOString(), id: last.id } : null,
      };
    },
  };
}
export type StatementStore = ReturnType<typeof statementStore>;
