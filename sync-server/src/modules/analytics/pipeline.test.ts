import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  LYCEUM_ACCOUNT_HOME,
  VERBS,
  activityIri,
  type DailyPoint,
  type DeadLetterList,
  type LessonInsight,
  type PlatformOverview,
  type XapiClientCreated,
} from '@lyceum/contracts';
import { createTestDatabase, startTestServer, type TestServer } from '../../../test/harness.ts';
import { PROCESSOR_GROUP } from './index.ts';
import { TOPICS } from './stream/port.ts';

/**
 * The proof of the pipeline on embedded defaults: events from a desktop upload (some recorded offline days ago), the
 * xAPI resource, a dropped NDJSON file and a polled SQL table all land, aggregated, in the REST API; replaying every
 * one of them changes no figure; invalid events wait in the dead-letter store with their reasons.
 */
const DAY = 86_400_000;
const course = randomUUID();
const lessons = Array.from({ length: 4 }, () => randomUUID());
const completed = (actor: object, lessonId: string, at: Date, id = randomUUID()) => ({
  id,
  actor,
  verb: { id: VERBS.completed },
  object: { id: activityIri.lesson(course, lessonId) },
  result: { completion: true },
  context: { contextActivities: { parent: [{ id: activityIri.course(course) }] } },
  timestamp: at.toISOString(),
});
const account = (userId: string) => ({ account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } });

describe('analytics pipeline end to end (embedded: PostgreSQL stream and store)', () => {
  let t: TestServer;
  let ext: Awaited<ReturnType<typeof createTestDatabase>>;
  let extPool: pg.Pool;
  let admin: Awaited<ReturnType<TestServer['user']>>;
  let student: Awaited<ReturnType<TestServer['user']>>;
  let xapiAuth: string;
  const sent = { desktop: [] as object[], xapi: [] as object[], file: '' };
  const threeDaysAgo = new Date(Date.now() - 3 * DAY);

  const q = `courseId=${course}&last=30d`;
  const get = async <T>(p: string) => {
    const r = await t.api<T>('GET', p, { token: admin.token });
    expect(r.status).toBe(200);
    return r.body;
  };
  const lessonFigures = async () =>
    Object.fromEntries(
      (await get<LessonInsight[]>(`/api/v1/analytics/lessons?${q}`)).map((l) => [l.lessonId, l.completed]),
    );
  const settled = async () => {
    await expect
      .poll(() => t.server.analytics.stream.lag(TOPICS.learning, PROCESSOR_GROUP), { timeout: 15_000 })
      .toBe(0);
  };

  beforeAll(async () => {
    // An outside LMS's table, polled by the SQL source.
    ext = await createTestDatabase();
    extPool = new pg.Pool({ connectionString: ext.url, max: 2 });
    await extPool.query(
      `CREATE TABLE lms_events (seq bigserial PRIMARY KEY, event_id uuid, email text, action text,
        course uuid, lesson uuid, happened_at timestamptz)`,
    );
    t = await startTestServer({
      ANALYTICS_SQL_SOURCES: JSON.stringify([
        {
          name: 'legacy-lms',
          url: ext.url,
          table: 'lms_events',
          cursor: 'seq',
          map: {
            id: 'event_id',
            actor_email: 'email',
            verb: 'action',
            course_id: 'course',
            lesson_id: 'lesson',
            timestamp: 'happened_at',
          },
          intervalMs: 200,
        },
      ]),
    });
    admin = await t.user('admin');
    student = await t.user('student', 'Offline Olga');
    const client = await t.api<XapiClientCreated>('POST', '/api/v1/analytics/xapi-clients', {
      token: admin.token,
      body: { name: 'Quiz tool' },
    });
    expect(client.status).toBe(201);
    xapiAuth = `Basic ${Buffer.from(`${client.body.key}:${client.body.secret}`).toString('base64')}`;
  }, 60_000);

  afterAll(async () => {
    await t?.close();
    await extPool?.end();
    await ext?.drop();
  });

  it('aggregates events from the desktop app, xAPI, a dropped file and a SQL table', async () => {
    // 1. Desktop: two lessons done offline three days ago, one today; uploaded now.
    sent.desktop = [
      completed(account(student.id), lessons[0]!, threeDaysAgo),
      completed(account(student.id), lessons[1]!, new Date(threeDaysAgo.getTime() + 60_000)),
      completed(account(student.id), lessons[2]!, new Date()),
    ];
    const up = await t.api<{ accepted: number }>('POST', '/api/v1/analytics/events', {
      token: student.token,
      body: { deviceId: 'laptop-1', sentAt: new Date().toISOString(), statements: sent.desktop },
    });
    expect(up.status).toBe(200);
    expect(up.body.accepted).toBe(3);

    // 2. xAPI from an outside tool.
    sent.xapi = [completed({ mbox: 'mailto:visitor@tool.example' }, lessons[0]!, new Date())];
    const x = await fetch(`${t.url}/xapi/statements`, {
      method: 'POST',
      headers: {
        authorization: xapiAuth,
        'x-experience-api-version': '1.0.3',
        'content-type': 'application/json',
      },
      body: JSON.stringify(sent.xapi),
    });
    expect(x.status).toBe(200);

    // 3. A dropped NDJSON file: two good lines and one broken one.
    const inbox = path.join(t.server.config.dataDir, 'analytics', 'inbox');
    await fs.mkdir(inbox, { recursive: true });
    sent.file = [
      JSON.stringify(completed({ mbox: 'mailto:reader@school.example' }, lessons[1]!, new Date())),
      '{"this is": "not a statement"}',
      JSON.stringify(completed({ mbox: 'mailto:reader@school.example' }, lessons[3]!, new Date())),
    ].join('\n');
    await fs.writeFile(path.join(inbox, 'week-47.ndjson.part'), sent.file);
    await fs.rename(path.join(inbox, 'week-47.ndjson.part'), path.join(inbox, 'week-47.ndjson'));

    // 4. Two rows in the outside LMS (one of them by our student, found by email).
    await extPool.query(
      `INSERT INTO lms_events (event_id, email, action, course, lesson, happened_at) VALUES
        ($1, $2, 'completed', $3, $4, now()), ($5, 'guest@lms.example', 'completed', $3, $6, now())`,
      [randomUUID(), student.email, course, lessons[3], randomUUID(), lessons[2]],
    );

    const expected = { [lessons[0]!]: 2, [lessons[1]!]: 2, [lessons[2]!]: 2, [lessons[3]!]: 2 };
    await expect.poll(lessonFigures, { timeout: 20_000, interval: 200 }).toEqual(expected);
    const overview = await get<PlatformOverview>(`/api/v1/analytics/overview?${q}`);
    expect(overview.totals.events).toBe(8);
    expect(overview.totals.learners).toBe(4);
    expect(overview.totals.lessonCompletions).toBe(8);
    // The offline work counts on the day it happened, not the day it arrived.
    const daily = await get<DailyPoint[]>(`/api/v1/analytics/daily?${q}`);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    expect(daily.find((p) => p.day === day(threeDaysAgo))?.lessonCompletions).toBe(2);
    expect(daily.find((p) => p.day === day(new Date()))?.lessonCompletions).toBe(6);
  }, 40_000);

  it('changes no figure when every source sends the same events again', async () => {
    const before = {
      lessons: await lessonFigures(),
      overview: await get<PlatformOverview>(`/api/v1/analytics/overview?${q}`),
    };
    const again = await t.api<{ accepted: number; duplicates: number }>('POST', '/api/v1/analytics/events', {
      token: student.token,
      body: { deviceId: 'laptop-1', sentAt: new Date().toISOString(), statements: sent.desktop },
    });
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 3 });
    const x = await fetch(`${t.url}/xapi/statements`, {
      method: 'POST',
      headers: {
        authorization: xapiAuth,
        'x-experience-api-version': '1.0.3',
        'content-type': 'application/json',
      },
      body: JSON.stringify(sent.xapi),
    });
    expect(x.status).toBe(200);
    const inbox = path.join(t.server.config.dataDir, 'analytics', 'inbox');
    await fs.writeFile(path.join(inbox, 'week-47-again.ndjson'), sent.file);
    await expect
      .poll(() => fs.readdir(path.join(inbox, 'done')), { timeout: 15_000 })
      .toContain('week-47-again.ndjson');
    // Processing everything published so far (and replaying it to the processor) leaves the figures as they were.
    await settled();
    const events = (
      await t.server.database.pool.query<{ statement: object }>(
        'SELECT statement::json AS statement FROM analytics.statements',
      )
    ).rows;
    expect(events).toHaveLength(8);
    await t.server.analytics.processor.handleBatch(
      (
        await t.server.database.pool.query<{ payload: never }>(
          'SELECT payload::json AS payload FROM analytics.stream_events',
        )
      ).rows.map((r) => r.payload),
    );
    expect(await lessonFigures()).toEqual(before.lessons);
    const after = await get<PlatformOverview>(`/api/v1/analytics/overview?${q}`);
    expect(after.totals).toEqual(before.overview.totals);
  }, 40_000);

  it('keeps the invalid line in the dead-letter store with its file, line and reason', async () => {
    const dl = await get<DeadLetterList>('/api/v1/analytics/dead-letters?source=file');
    const mine = dl.items.filter((d) => d.origin?.startsWith('week-47.ndjson'));
    expect(mine).toHaveLength(1);
    expect(mine[0]!.origin).toBe('week-47.ndjson:2');
    expect(mine[0]!.reason).toMatch(/actor|verb|object/);
  });
});
