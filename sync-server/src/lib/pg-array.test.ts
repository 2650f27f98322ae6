import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../test/harness.ts';
import { arrayLiteral, arrayLiteralOf } from './pg-array.ts';

let t: TestServer;
let pool: pg.Pool;
beforeAll(async () => {
  t = await startTestServer();
  pool = t.server.database.pool;
});
afterAll(() => t.close());

describe('array literals', () => {
  it('PostgreSQL reads back exactly the values sent, whatever characters they hold', async () => {
    const texts = [
      'plain',
      'a,b',
      'quote " inside',
      'back\\slash',
      '{braces}',
      '  spaced  ',
      '',
      'NULL',
      'ünï €',
      null,
    ];
    const r = await pool.query<{ v: (string | null)[] }>('SELECT $1::text[] AS v', [arrayLiteral(texts)]);
    expect(r.rows[0]!.v).toEqual(texts);
  });

  it('numbers, booleans, uuids and timestamps keep their values', async () => {
    const nums = [0, -1.5, 0.1, 1e21, 123456789012, Number.NaN, Number.POSITIVE_INFINITY, null];
    const r = await pool.query<{ n: string[]; b: (boolean | null)[]; u: string[] }>(
      'SELECT $1::float8[]::text[] AS n, $2::boolean[] AS b, $3::uuid[]::text[] AS u',
      [
        arrayLiteral(nums),
        arrayLiteral([true, false, undefined]),
        arrayLiteralOf([{ id: '0190f0c4-8d2e-7000-8000-000000000001' }], (x) => x.id),
      ],
    );
    expect(r.rows[0]!.n).toEqual(['0', '-1.5', '0.1', '1e+21', '123456789012', 'NaN', 'Infinity', null]);
    expect(r.rows[0]!.b).toEqual([true, false, null]);
    expect(r.rows[0]!.u).toEqual(['0190f0c4-8d2e-7000-8000-000000000001']);
  });

  it('an empty array is {}', async () => {
    const r = await pool.query<{ n: number }>('SELECT cardinality($1::text[]) AS n', [arrayLiteral([])]);
    expect(r.rows[0]!.n).toBe(0);
  });
});
