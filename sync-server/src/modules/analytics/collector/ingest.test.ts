import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LYCEUM_ACCOUNT_HOME, VERBS } from '@lyceum/contracts';
import { newId } from '../../../lib/ids.ts';
import { TOPICS } from '../stream/port.ts';
import { COURSE, LESSON, startCollectorTest, videoStatement, type CollectorTest } from './test-support.ts';

let c: CollectorTest;
beforeAll(async () => {
  c = await startCollectorTest();
});
afterAll(() => c.close());

const user = () => newId();
const published = () => c.stream.events(TOPICS.learning);
const storedRow = async (id: string) =>
  (
    await c.t.server.database.pool.query<{
      actor: string;
      verb: string;
      source: string;
      device_id: string | null;
      skew_ms: number | null;
      timestamp: Date;
      stored: Date;
    }>('SELECT * FROM analytics.statements WHERE id = $1', [id])
  ).rows[0];
const deadOf = async (origin: string) =>
  (
    await c.t.server.database.pool.query<{ reason: string; payload: unknown; source: string }>(
      'SELECT reason, payload, source FROM analytics.dead_letters WHERE origin = $1 ORDER BY reason',
      [origin],
    )
  ).rows;

describe('ingest', () => {
  it('publishes and records valid statements and dead-letters invalid ones with readable reasons', async () => {
    const u = user();
    const good = videoStatement(u);
    const badVerb = videoStatement(u, { verb: { id: 'not an iri' } });
    const extra = videoStatement(u, { colour: 'red' });
    const before = published().length;
    const r = await c.collector.ingest([good, badVerb, 'nonsense', extra], {
      source: 'file',
      origin: 'drop/a.ndjson',
    });
    expect(r.accepted).toBe(1);
    expect(r.ids).toEqual([good.id]);
    expect(r.rejected.map((x) => [x.index, x.kind, x.id])).toEqual([
      [1, 'invalid', badVerb.id],
      [2, 'invalid', null],
      [3, 'invalid', extra.id],
    ]);
    expect(r.rejected[0]!.reason).toMatch(/^verb\.id: /);
    expect(r.rejected[2]!.reason).toMatch(/colour/);
    const dead = await deadOf('drop/a.ndjson');
    expect(dead).toHaveLength(3);
    expect(dead.map((d) => d.payload)).toEqual(expect.arrayContaining(['nonsense', badVerb, extra]));
    expect(dead.every((d) => d.source === 'file' && d.reason.length > 5)).toBe(true);
    const events = published().slice(before);
    expect(events.map((e) => e.id)).toEqual([good.id]);
    expect(events[0]).toMatchObject({
      source: 'file',
      actor: u,
      verb: 'paused',
      courseId: COURSE,
      lessonId: LESSON,
    });
    expect((await storedRow(good.id as string))?.verb).toBe(VERBS.paused);
  });

  it('gives an id, a timestamp and stored where the sender left them out, and passes device and skew on', async () => {
    const u = user();
    const t0 = Date.now();
    const s = videoStatement(u, { id: undefined, timestamp: undefined });
    const withOffset = videoStatement(u, { timestamp: '2026-11-20T12:00:00.250+02:00' });
    const r = await c.collector.ingest([s, withOffset], {
      source: 'desktop',
      origin: 'device:d1',
      deviceId: 'd1',
      skewMs: 1234.4,
    });
    expect(r.accepted).toBe(2);
    const [id] = r.ids;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    const ev = published().find((e) => e.id === id)!;
    expect(Date.parse(ev.stored)).toBeGreaterThanOrEqual(t0 - 5);
    expect(ev.timestamp).toBe(ev.stored);
    expect((await c.collector.statements.byId(id!))?.stored).toBe(ev.stored);
    expect(ev).toMatchObject({ deviceId: 'd1', skewMs: 1234.4 });
    const other = published().find((e) => e.id === withOffset.id)!;
    expect(other.timestamp).toBe('2026-11-20T10:00:00.250Z');
    const row = await storedRow(id!);
    expect(row).toMatchObject({ source: 'desktop', device_id: 'd1', skew_ms: 1234, actor: u });
    expect(row!.timestamp.toISOString()).toBe(ev.timestamp);
  });

  it('counts repeats once: a second delivery and a repeat inside one batch are duplicates, not republished', async () => {
    const u = user();
    const batch = [0, 1, 2].map((n) => videoStatement(u, {}, n));
    const first = await c.collector.ingest(batch, { source: 'sql', origin: 'ext.events' });
    expect(first).toMatchObject({ accepted: 3, duplicates: 0, rejected: [] });
    const before = published().length;
    // the same content with another key order is the same statement
    const reordered = batch.map((s) => Object.fromEntries(Object.entries(s).reverse()));
    const again = await c.collector.ingest([...reordered, batch[0]], { source: 'sql', origin: 'ext.events' });
    expect(again).toMatchObject({ accepted: 0, duplicates: 4, rejected: [] });
    expect(again.ids).toEqual([...batch.map((s) => s.id), batch[0]!.id]);
    expect(published().length).toBe(before);
    const inOne = videoStatement(u, {}, 9);
    const r = await c.collector.ingest([inOne, inOne], { source: 'sql', origin: 'ext.events' });
    expect(r).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(published().filter((e) => e.id === inOne.id)).toHaveLength(1);
  });

  it('refuses a known id with other content as a conflict, into the dead-letter store', async () => {
    const u = user();
    const s = videoStatement(u);
    await c.collector.ingest([s], { source: 'file', origin: 'f1' });
    const changed = { ...s, verb: { id: VERBS.played } };
    const before = published().length;
    const r = await c.collector.ingest([changed], { source: 'file', origin: 'conflict-origin' });
    expect(r.accepted).toBe(0);
    expect(r.rejected).toEqual([expect.objectContaining({ index: 0, kind: 'conflict', id: s.id })]);
    expect(published().length).toBe(before);
    const dead = await deadOf('conflict-origin');
    expect(dead).toHaveLength(1);
    expect(dead[0]!.reason).toMatch(/already collected with other content/);
    // repeated inside one upload, every copy is the conflict
    const twice = await c.collector.ingest([changed, changed], { source: 'file', origin: 'conflict-origin' });
    expect(twice).toMatchObject({ accepted: 0, duplicates: 0, ids: [] });
    expect(twice.rejected.map((x) => [x.index, x.kind])).toEqual([
      [0, 'conflict'],
      [1, 'conflict'],
    ]);
    // a repeat that differs only in stored/version is the same statement
    const same = await c.collector.ingest([{ ...s, version: '1.0.3', stored: '2020-01-01T00:00:00Z' }], {
      source: 'file',
      origin: 'f1',
    });
    expect(same).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
  });

  it("refuses statements of another actor in a user's upload", async () => {
    const u = user();
    const mine = videoStatement(u);
    const theirs = videoStatement(user());
    const mbox = videoStatement(u, { actor: { mbox: 'mailto:someone@example.org' } });
    const otherHome = videoStatement(u, {
      actor: { account: { homePage: 'https://elsewhere.org/', name: u } },
    });
    const r = await c.collector.ingest([mine, theirs, mbox, otherHome], {
      source: 'desktop',
      origin: 'device:dx',
      actorUserId: u,
    });
    expect(r.accepted).toBe(1);
    expect(r.rejected.map((x) => [x.index, x.kind])).toEqual([
      [1, 'actor_mismatch'],
      [2, 'actor_mismatch'],
      [3, 'actor_mismatch'],
    ]);
    expect(r.rejected[0]!.reason).toContain(`name: ${u}`);
    expect(await deadOf('device:dx')).toHaveLength(3);
  });

  it('all or nothing: one bad item keeps the whole request out, and a repeated id inside it is invalid', async () => {
    const u = user();
    const a = videoStatement(u);
    const before = published().length;
    const r = await c.collector.ingest([a, { ...videoStatement(u), actor: {} }], {
      source: 'xapi',
      origin: 'client:atomic',
      atomic: true,
    });
    expect(r).toMatchObject({ accepted: 0, ids: [] });
    expect(r.rejected).toHaveLength(1);
    expect(published().length).toBe(before);
    expect(await storedRow(a.id as string)).toBeUndefined();
    const twice = await c.collector.ingest([a, a], { source: 'xapi', origin: 'client:atomic', atomic: true });
    expect(twice.rejected[0]).toMatchObject({ index: 1, kind: 'invalid' });
    expect(await storedRow(a.id as string)).toBeUndefined();
    expect(await deadOf('client:atomic')).toHaveLength(2);
  });

  it('records nothing when the stream refuses the publish, so a retry publishes once', async () => {
    const u = user();
    const s = videoStatement(u);
    c.stream.failNextPublish();
    await expect(c.collector.ingest([s], { source: 'file', origin: 'retry' })).rejects.toThrow(/unavailable/);
    expect(await storedRow(s.id as string)).toBeUndefined();
    const r = await c.collector.ingest([s], { source: 'file', origin: 'retry' });
    expect(r.accepted).toBe(1);
    expect(published().filter((e) => e.id === s.id)).toHaveLength(1);
  });

  it('keeps payloads jsonb cannot hold as dead letters instead of failing', async () => {
    const u = user();
    const nul = videoStatement(u, { result: { response: 'a\u0000b' } });
    const lone = { junk: 'x\ud800y', ['k\u0000']: 1 };
    const r = await c.collector.ingest([nul, lone], { source: 'file', origin: 'odd-chars' });
    expect(r.rejected.map((x) => x.kind)).toEqual(['invalid', 'invalid']);
    expect(r.rejected[0]!.reason).toMatch(/NUL/);
    const dead = await deadOf('odd-chars');
    expect(dead).toHaveLength(2);
    expect(JSON.stringify(dead.map((d) => d.payload))).toContain('x\ufffdy');
  });

  it('keeps Lyceum account actors and outside agents apart by actor key', async () => {
    const r = await c.collector.ingest(
      [
        videoStatement('x', { actor: { mbox: 'mailto:Ana@Example.org' } }),
        videoStatement('x', { actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: 'user-7' } } }),
      ],
      { source: 'xapi', origin: 'keys' },
    );
    const rows = await Promise.all(r.ids.map(storedRow));
    expect(rows.map((x) => x?.actor)).toEqual(['mbox:ana@example.org', 'user-7']);
  });
});
