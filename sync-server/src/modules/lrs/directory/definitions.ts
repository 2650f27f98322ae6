import type pg from 'pg';
import type { Json } from '../validation/check.ts';
import { definitionsIn, mergeDefinitions } from './canonical.ts';

/** How many of an Activity's latest statements its canonical definition is merged from. */
export const DEFINITION_WINDOW = 200;

/**
 * The LRS's canonical definitions of Activities (the Activities resource; also what `format=canonical` may fill
 * statements' Activities with): merged from the definitions in each Activity's latest statements, oldest first.
 * Activities without any definition are absent from the map.
 */
export async function canonicalDefinitions(
  pool: Pick<pg.Pool, 'query'>,
  ids: string[],
): Promise<Map<string, Json>> {
  const out = new Map<string, Json>();
  const distinct = [...new Set(ids)];
  if (!distinct.length) return out;
  const { rows } = await pool.query<{ activity: string; statement: Json }>(
    `SELECT a.activity, s.statement FROM unnest($1::text[]) AS a(activity)
       CROSS JOIN LATERAL (
         SELECT statement, stored, id FROM lrs.statements WHERE related_activities @> ARRAY[a.activity]
          ORDER BY stored DESC, id DESC LIMIT $2) s
      ORDER BY a.activity, s.stored, s.id`,
    [distinct, DEFINITION_WINDOW],
  );
  const found = new Map<string, Json[]>();
  for (const r of rows) {
    const list = found.get(r.activity) ?? [];
    list.push(...definitionsIn(r.statement, r.activity));
    found.set(r.activity, list);
  }
  for (const [id, defs] of found) {
    const merged = mergeDefinitions(defs);
    if (merged) out.set(id, merged);
  }
  return out;
}
