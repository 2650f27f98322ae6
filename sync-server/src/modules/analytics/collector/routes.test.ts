import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadLetterList, EventBatchResult, XapiClientCreated, XapiClientList } from '@lyceum/contracts';
import { TOPICS } from '../stream/port.ts';
import { startCollectorTest, videoStatement, type CollectorTest } from './test-support.ts';

let c: CollectorTest;
let admin: { id: string; token: string };
let student: { id: string; token: string };
beforeAll(async () => {
  c = await startCollectorTest();
  admin = await c.t.user('admin');
  student = await c.t.user('student');
});
afterAll(() => c.close());

const EVENTS = '/api/v1/analytics/events';

describe('desktop batch upload', () => {
  it('rejects a statement whose id holds a NUL alone, echoing no unprintable id (it answered 500)', async () => {
    const good = videoStatement(student.id, {}, 7);
    const res = await c.api<EventBatchResult>('POST', EVENTS, {
      token: student.token,
      body: {
        deviceId: 'laptop-nul',
        sentAt: new Date().toISOString(),
        statements: [{ id: '\u0000' }, good],
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.accepted).toBe(1);
    expect(res.body.rejected).toEqual([{ index: 0, id: null, reason: expect.any(String) }]);
  });

  it("accepts the caller's own statements, refuses others' and invalid ones, and estimates the clock skew", async () => {
    const sentAt = new Date(Date.now() - 90_000).toISOString(); // the device clock is 90 s behind
    const mine = [videoStatement(student.id, {}, 1), videoStatement(student.id, {}, 2)];
    const res = await c.api<EventBatchResult>('POST', EVENTS, {
      token: student.token,
      body: {
        deviceId: 'laptop-1',
        sentAt,
        statements: [...mine, videoStatement(admin.id), { verb: 'nope' }],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(res.body.skewMs).toBeGreaterThanOrEqual(90_000);
    expect(res.body.skewMs).toBeLessThan(100_000);
    expect(res.body.rejected.map((r) => r.index)).toEqual([2, 3]);
    expect(res.body.rejected[0]!.reason).toMatch(/^actor_mismatch/);
    const events = c.stream.events(TOPICS.learning).filter((e) => e.deviceId === 'laptop-1');
    expect(events.map((e) => e.id)).toEqual(mine.map((s) => s.id));
    expect(events[0]).toMatchObject({ source: 'desktop', actor: student.id, skewMs: res.body.skewMs });
    // device time is kept as sent
    expect(events[0]!.timestamp).toBe(mine[0]!.timestamp);

    const again = await c.api<EventBatchResult>('POST', EVENTS, {
      token: student.token,
      body: { deviceId: 'laptop-1', sentAt: new Date().toISOString(), statements: mine },
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 2, rejected: [] });
    expect(Math.abs(again.body.skewMs)).toBeLessThan(10_000);

    const uploads = await c.collector.deviceClock.recent(student.id, 'laptop-1');
    expect(uploads.map((u) => [u.statements, u.accepted, u.duplicates, u.rejected])).toEqual([
      [2, 0, 2, 0],
      [4, 2, 0, 2],
    ]);
    expect(uploads[1]!.skewMs).toBe(res.body.skewMs);
  });

  it('needs a signed-in caller and a well-formed envelope', async () => {
    const body = {
      deviceId: 'd',
      sentAt: new Date().toISOString(),
      statements: [videoStatement(student.id)],
    };
    expect((await c.api('POST', EVENTS, { body })).status).toBe(401);
    expect(
      (await c.api('POST', EVENTS, { token: student.token, body: { ...body, statements: [] } })).status,
    ).toBe(400);
    expect(
      (await c.api('POST', EVENTS, { token: student.token, body: { ...body, sentAt: 'yesterday' } })).status,
    ).toBe(400);
  });
});

describe('admin routes', () => {
  it('lists dead letters newest first, by source, a page at a time', async () => {
    await c.collector.ingest(['a', 'b', 'c'], { source: 'file', origin: 'drop/x.ndjson' });
    await c.collector.ingest(['d'], { source: 'sql', origin: 'ext.t' });
    expect((await c.api('GET', '/api/v1/analytics/dead-letters', { token: student.token })).status).toBe(403);
    const first = await c.api<DeadLetterList>('GET', '/api/v1/analytics/dead-letters?source=file&limit=2', {
      token: admin.token,
    });
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items.every((d) => d.source === 'file' && d.origin === 'drop/x.ndjson')).toBe(true);
    const rest = await c.api<DeadLetterList>(
      'GET',
      `/api/v1/analytics/dead-letters?source=file&limit=2&cursor=${first.body.nextCursor}`,
      { token: admin.token },
    );
    expect(rest.body.items).toHaveLength(1);
    expect(rest.body.nextCursor).toBeNull();
    const payloads = [...first.body.items, ...rest.body.items].map((d) => d.payload).sort();
    expect(payloads).toEqual(['a', 'b', 'c']);
    const all = await c.api<DeadLetterList>('GET', '/api/v1/analytics/dead-letters', { token: admin.token });
    expect(all.body.items.map((d) => d.payload)).toContain('d');
    expect(all.body.items[0]!.reason).toMatch(/expected object/);
  });

  it('creates xAPI clients (the secret shown once), lists them without secrets and revokes them', async () => {
    expect(
      (await c.api('POST', '/api/v1/analytics/xapi-clients', { token: student.token, body: { name: 'x' } }))
        .status,
    ).toBe(403);
    const made = await c.api<XapiClientCreated>('POST', '/api/v1/analytics/xapi-clients', {
      token: admin.token,
      body: { name: 'H5P' },
    });
    expect(made.status).toBe(201);
    expect(made.body.secret.length).toBeGreaterThanOrEqual(40);
    const list = await c.api<XapiClientList>('GET', '/api/v1/analytics/xapi-clients', { token: admin.token });
    const listed = list.body.items.find((x) => x.id === made.body.id);
    expect(listed).toMatchObject({ name: 'H5P', createdBy: admin.id, disabled: false });
    expect(JSON.stringify(list.body)).not.toContain(made.body.secret);
    const stored = await c.t.server.database.pool.query(
      'SELECT secret_hash FROM analytics.xapi_clients WHERE id = $1',
      [made.body.id],
    );
    expect(JSON.stringify(stored.rows)).not.toContain(made.body.secret);
    expect(
      (await c.api('DELETE', `/api/v1/analytics/xapi-clients/${made.body.id}`, { token: admin.token }))
        .status,
    ).toBe(204);
    const after = await c.api<XapiClientList>('GET', '/api/v1/analytics/xapi-clients', {
      token: admin.token,
    });
    expect(after.body.items.find((x) => x.id === made.body.id)?.disabled).toBe(true);
    expect(
      (
        await c.api('DELETE', '/api/v1/analytics/xapi-clients/0190b8a0-0000-7000-8000-000000000000', {
          token: admin.token,
        })
      ).status,
    ).toBe(404);
  });

  it('documents every collector route in the OpenAPI document (the xAPI resource is the LRS module’s)', async () => {
    const doc = await c.api<{ paths: Record<string, Record<string, { operationId: string }>> }>(
      'GET',
      '/api/openapi.json',
    );
    const ops = Object.values(doc.body.paths).flatMap((m) => Object.values(m).map((o) => o.operationId));
    expect(ops.sort()).toEqual(
      [
        'createXapiClient',
        'disableXapiClient',
        'listDeadLetters',
        'listXapiClients',
        'uploadLearningEvents',
      ].sort(),
    );
  });
});
