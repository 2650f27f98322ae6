import type pg from 'pg';
import type { StoredStatement, XapiActivity, XapiAgent } from '@lyceum/contracts';

export interface StatementFilter {
  /** actorKey() of the agent. */
  actor?: string;
  verb?: string;
  activity?: string;
  registration?: string;
  /** stored > since */
  since?: string;
  /** stored <= until */
  until?: string;
  limit: number;
  ascending: boolean;
  /** The (stored, id) of the last statement of the previous page. */
  after?: { stored: string; id: string };
}

export interface StatementPage {
  statements: StoredStatement[];
  /** Where the next page starts; null on the last page. */
  next: { stored: string; id: string } | null;
}

/** The statements collected so far, as the xAPI resource reads them. */
export function statementReader(pool: pg.Pool) {
  return {
    async byId(id: string): Promise<StoredStatement | null> {
      const { rows } = await pool.query<{ statement: StoredStatement }>(
        'SELECT statement::json AS statement FROM analytics.statements WHERE id = $1::uuid',
        [id],
      );
      return rows[0]?.statement ?? null;
    },

    async query(f: StatementFilter): Promise<StatementPage> {
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (sql: (n: number) => string, value: unknown) => {
        args.push(value);
        where.push(sql(args.length));
      };
      if (f.actor !== undefined) add((n) => `actor = $${n}`, f.actor);
      if (f.verb !== undefined) add((n) => `verb = $${n}`, f.verb);
      if (f.activity !== undefined) add((n) => `activity = $${n}`, f.activity);
      if (f.registration !== undefined) add((n) => `registration = $${n}::uuid`, f.registration);
      if (f.since !== undefined) add((n) => `stored > $${n}::timestamptz`, f.since);
      if (f.until !== undefined) add((n) => `stored <= $${n}::timestamptz`, f.until);
      if (f.after) {
        args.push(f.after.stored, f.after.id);
        const op = f.ascending ? '>' : '<';
        where.push(`(stored, id) ${op} ($${args.length - 1}::timestamptz, $${args.length}::uuid)`);
      }
      const dir = f.ascending ? 'ASC' : 'DESC';
      args.push(f.limit + 1);
      const { rows } = await pool.query<{ statement: StoredStatement; stored: Date; id: string }>(
        `SELECT statement::json AS statement, stored, id FROM analytics.statements
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY stored ${dir}, id ${dir} LIMIT $${args.length}`,
        args,
      );
      const page = rows.slice(0, f.limit);
      const last = page[page.length - 1];
      return {
        statements: page.map((r) => r.statement),
        next: rows.length > f.limit && last ? { stored: last.stored.toISOString(), id: last.id } : null,
      };
    },
  };
}
export type StatementReader = ReturnType<typeof statementReader>;

const agentIds = (a: XapiAgent): XapiAgent => {
  const { name: _name, ...ids } = a;
  return ids;
};
const activityId = (a: XapiActivity): XapiActivity => ({
  id: a.id,
  ...(a.objectType ? { objectType: a.objectType } : {}),
});

/** xAPI format=ids: agents, verbs and activities reduced to their identifiers. */
export function idsFormat(s: StoredStatement): StoredStatement {
  const ca = s.context?.contextActivities;
  return {
    ...s,
    actor: agentIds(s.actor),
    verb: { id: s.verb.id },
    object: activityId(s.object),
    ...(s.context
      ? {
          context: {
            ...s.context,
            ...(ca
              ? {
                  contextActivities: Object.fromEntries(
                    Object.entries(ca).map(([k, list]) => [k, (list ?? []).map(activityId)]),
                  ),
                }
              : {}),
          },
        }
      : {}),
  };
}
