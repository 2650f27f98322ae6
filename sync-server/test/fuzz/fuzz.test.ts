import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../harness.ts';
import { sampleCourse } from '../../src/modules/catalog/fixtures.ts';
import { makeCallers, type Caller } from './callers.ts';
import { fuzzSeed, rng, type Rng } from './rng.ts';
import {
  HOSTILE_STRINGS,
  RAW_BODIES,
  WRONG_CONTENT_TYPES,
  hostileValue,
  mutate,
  plausible,
  type JsonSchema,
} from './values.ts';

/**
 * The seeded fuzzer (issue 12): from the OpenAPI document, at least 10,000 hostile requests across every operation
 * and every kind of caller, against one server. Fails on any 5xx and on any error answer without the documented
 * `{"error":{"code","message"}}` shape. The seed is printed; `FUZZ_SEED=<n>` replays the same inputs,
 * `FUZZ_REQUESTS=<n>` sends more (or fewer).
 */
const SEED = fuzzSeed();
const TOTAL = Number(process.env.FUZZ_REQUESTS ?? 10_500);
const CONCURRENCY = 16;

/**
 * Failures that belong to another open defect and are not fixed in this tree yet; each names it. A 5xx matching
 * an entry is counted and printed, not failed. Keep this empty once they are fixed.
 */
const KNOWN_OPEN_DEFECTS: { defect: string; matches: (f: Finding) => boolean }[] = [];

interface Param {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  schema: JsonSchema;
}
interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Param[];
  body?: JsonSchema;
}
interface Planned {
  op: Operation;
  caller: Caller;
  url: string;
  contentType?: string;
  body?: string;
  headers: Record<string, string>;
  what: string;
}
interface Finding {
  op: string;
  caller: string;
  status: number;
  what: string;
  answer: string;
}

let t: TestServer;
let operations: Operation[] = [];
let components: Record<string, JsonSchema> = {};
let callers: Awaited<ReturnType<typeof makeCallers>>;
const known = { ids: [] as string[] };

beforeAll(async () => {
  console.log(`fuzz: seed ${SEED} (replay with FUZZ_SEED=${SEED})`);
  t = await startTestServer();
  const doc = (
    await t.api<{
      paths: Record<
        string,
        Record<string, Omit<Operation, 'method' | 'path' | 'body'> & { requestBody?: unknown }>
      >;
      components: { schemas: Record<string, JsonSchema> };
    }>('GET', '/api/openapi.json')
  ).body;
  components = doc.components.schemas;
  operations = Object.entries(doc.paths)
    .flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, o]) => ({
        method: method.toUpperCase(),
        path,
        operationId: o.operationId,
        parameters: o.parameters ?? [],
        body: (o.requestBody as { content?: Record<string, { schema: JsonSchema }> } | undefined)?.content?.[
          'application/json'
        ]?.schema,
      })),
    )
    .sort((a, b) => a.operationId.localeCompare(b.operationId));
  callers = await makeCallers(t);
  const course = await t.server.catalog.service.createCourse(callers.ids[1]!, sampleCourse());
  await t.server.catalog.service.publish(callers.ids[1]!, course.id);
  const lessons = course.modules.flatMap((m) => m.lessons);
  known.ids = [course.id, course.modules[0]!.id, ...lessons.map((l) => l.id)];
}, 60_000);
afterAll(() => t?.close());

function hostileText(r: Rng): string {
  const v = hostileValue(r);
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function pickWeighted<T>(r: Rng, items: T[], weight: (item: T) => number): T {
  const total = items.reduce((n, i) => n + weight(i), 0);
  let x = r.next() * total;
  for (const i of items) if ((x -= weight(i)) < 0) return i;
  return items.at(-1)!;
}

function plan(op: Operation, r: Rng): Planned {
  // Signed-in callers most of the time (their requests get past authentication, deeper into the code), every
  // other kind regularly; the xAPI client mostly where its credentials count.
  const weights: Record<string, number> = {
    anonymous: 10,
    student: 20,
    instructor: 20,
    admin: 28,
    'xapi-client': op.path.startsWith('/xapi') ? 30 : 2,
  };
  const caller = pickWeighted(r, callers.callers, (c) => weights[c.kind] ?? 4);
  const notes: string[] = [];
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const p = op.parameters.find((x) => x.in === 'path' && x.name === name);
    if (r.chance(0.45)) return encodeURIComponent(String(plausible(p?.schema, components, r, known)));
    const bad = r.pick(HOSTILE_STRINGS);
    notes.push(`${name}=${JSON.stringify(bad).slice(0, 60)}`);
    // Traversal sometimes raw (the router sees the dots), usually encoded.
    return r.chance(0.1)
      ? bad.replace(/[?#\s]/g, '')
      : encodeURIComponent(bad.replace(/[\uD800-\uDFFF]/g, ''));
  });
  const query = new URLSearchParams();
  for (const p of op.parameters.filter((x) => x.in === 'query')) {
    if (r.chance(0.35)) continue;
    const v = r.chance(0.5) ? plausible(p.schema, components, r, known) : hostileText(r);
    const text = (typeof v === 'string' ? v : JSON.stringify(v)).replace(/[\uD800-\uDFFF]/g, '\uFFFD');
    query.append(p.name, text.slice(0, 20_000));
    if (r.chance(0.1)) query.append(p.name, 'again');
  }
  if (r.chance(0.1))
    query.append(r.pick(['__proto__[x]', 'constructor', 'q[]', 'limit', 'x']), hostileText(r));
  let url = path + (query.size ? `?${query}` : '');
  // Now and then a URL over the header limit (Node's 16 KiB): it must still answer the error shape.
  if (r.chance(0.004)) url += `${query.size ? '&' : '?'}pad=${'p'.repeat(20_000)}`;
  const headers: Record<string, string> = {};
  if (op.path.startsWith('/xapi') && r.chance(0.7))
    headers['x-experience-api-version'] = r
      .pick(['1.0.3', '1.0.0', '2.0.0', '0.9', hostileText(r).slice(0, 50)])
      // A header holds Latin-1 only (fetch refuses the rest, as every HTTP client must).
      .replace(/[^\x20-\x7e\xa0-\xff]/g, '?');
  let contentType: string | undefined;
  let body: string | undefined;
  if (op.method !== 'GET' && op.method !== 'HEAD') {
    const roll = r.next();
    if (roll < 0.12) {
      contentType = 'application/json';
      body = r.pick(RAW_BODIES);
      notes.push('raw body');
    } else if (roll < 0.22) {
      contentType = r.pick(WRONG_CONTENT_TYPES);
      body = JSON.stringify(plausible(op.body, components, r, known));
      notes.push(`content-type ${contentType}`);
    } else if (op.body || roll < 0.3) {
      contentType = 'application/json';
      const base = plausible(op.body, components, r, known);
      const value = roll < 0.4 ? base : roll < 0.9 ? mutate(base, r) : hostileValue(r);
      body = JSON.stringify(value) ?? 'null';
    }
  }
  if (body && body.length > 3_000_000) body = body.slice(0, 3_000_000);
  return {
    op,
    caller,
    url,
    contentType,
    body,
    headers,
    what: [`${op.method} ${url.slice(0, 160)}`, ...notes, body ? `body ${body.slice(0, 160)}` : ''].join(
      ' | ',
    ),
  };
}

function hasErrorShape(text: string, contentType: string): boolean {
  if (!contentType.includes('application/json')) return false;
  try {
    const b = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof b.error?.code === 'string' && typeof b.error.message === 'string';
  } catch {
    return false;
  }
}

async function send(p: Planned): Promise<{ status: number; text: string; contentType: string }> {
  const headers: Record<string, string> = { ...p.headers };
  const auth = p.caller.authorization();
  if (auth) headers.authorization = auth;
  if (p.contentType) headers['content-type'] = p.contentType;
  const res = await fetch(t.url + p.url, {
    method: p.op.method,
    headers,
    body: p.body,
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') ?? '' };
}

async function pool<T>(items: T[], n: number, work: (item: T) => Promise<void>): Promise<void> {
  let i = 0;
  await Promise.all(
    Array.from({ length: n }, async () => {
      while (i < items.length) await work(items[i++]!);
    }),
  );
}

describe('seeded OpenAPI fuzzer', () => {
  it(`sends ${TOTAL} hostile requests across every operation and caller without a 5xx or a shapeless error`, async () => {
    const started = Date.now();
    const r = rng(SEED);
    const perOp = Math.ceil(TOTAL / operations.length);
    const findings: Finding[] = [];
    const allowed: (Finding & { defect: string })[] = [];
    const statuses = new Map<number, number>();
    const kinds = new Set<string>();
    const opsSent = new Set<string>();
    let sent = 0;
    for (const op of operations) {
      // Inputs come from the seed alone (planned before sending), so a replay sends the same requests.
      const batch = Array.from({ length: perOp }, () => plan(op, r));
      await callers.refresh();
      await pool(batch, CONCURRENCY, async (p) => {
        let res: { status: number; text: string; contentType: string };
        try {
          res = await send(p);
        } catch (err) {
          res = { status: 599, text: `no answer: ${(err as Error).message}`, contentType: '' };
        }
        sent += 1;
        kinds.add(p.caller.kind);
        opsSent.add(op.operationId);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const bad = res.status >= 500 || (res.status >= 400 && !hasErrorShape(res.text, res.contentType));
        if (!bad) return;
        const f: Finding = {
          op: op.operationId,
          caller: p.caller.kind,
          status: res.status,
          what: p.what,
          answer: res.text.slice(0, 200),
        };
        const known = KNOWN_OPEN_DEFECTS.find((k) => k.matches(f));
        if (known) allowed.push({ ...f, defect: known.defect });
        else findings.push(f);
      });
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `fuzz: seed ${SEED}: ${sent} requests over ${opsSent.size} operations and ${kinds.size} kinds of caller in ` +
        `${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries([...statuses].sort((a, b) => a[0] - b[0])))}; ` +
        `${findings.length} failures, ${allowed.length} allowed as known open defects`,
    );
    for (const a of allowed.slice(0, 5)) console.log(`fuzz: known open defect (${a.defect}): ${a.what}`);
    if (process.env.FUZZ_REPORT) writeFileSync(process.env.FUZZ_REPORT, JSON.stringify(findings, null, 1));
    const seen = new Set<string>();
    const distinct = findings.filter((f) => {
      const key = `${f.op} ${f.status}`;
      return seen.has(key) ? false : (seen.add(key), true);
    });
    expect(distinct, `seed ${SEED}: replay with FUZZ_SEED=${SEED}`).toEqual([]);
    expect(sent).toBeGreaterThanOrEqual(Math.min(TOTAL, 10_000));
    expect(opsSent.size).toBe(operations.length);
    expect(kinds.size).toBe(callers.callers.length);
  }, 170_000);
});
