import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, type CreatedCourse } from '../../../test/factories.ts';
import { sha256, tinyPdf, uploadClient } from './test-support.ts';

let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor', 'Two Devices');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    status: 'published',
    modules: [[{ title: 'Deck', kind: 'slides' }]],
  });
});
afterAll(() => t.close());

describe("two devices replacing one lesson's file", () => {
  it('the upload that finishes second loses with version_conflict and the winner in details; it is not left ready', async () => {
    const lessonId = course.lesson('Deck').id;
    const laptop = uploadClient(t, owner.token);
    const tablet = uploadClient(t, owner.token);
    const [a, b] = [tinyPdf('laptop'), tinyPdf('tablet')];
    const start = (c: typeof laptop, bytes: Buffer, name: string) =>
      c.start(course.id, { kind: 'slides', name, size: bytes.length, sha256: sha256(bytes), lessonId });
    const sa = await start(laptop, a, 'laptop.pdf');
    const sb = await start(tablet, b, 'tablet.pdf');
    expect([sa.status, sb.status]).toEqual([201, 201]);
    expect((await laptop.putChunk(sa.body.id, 0, a)).status).toBe(200);
    expect((await tablet.putChunk(sb.body.id, 0, b)).status).toBe(200);

    const won = await tablet.complete(sb.body.id);
    expect(won.status).toBe(200);
    const lost = await laptop.complete(sa.body.id);
    expect(lost.status).toBe(409);
    expect(lost.body.error).toMatchObject({
      code: 'version_conflict',
      details: {
        current: { assetId: sb.body.assetId, name: 'tablet.pdf', updatedBy: owner.id },
        yours: { assetId: sa.body.assetId, name: 'laptop.pdf' },
      },
    });
    const rows = await t.server.database.pool.query<{ id: string; status: string }>(
      'SELECT id, status FROM content_assets WHERE lesson_id = $1 ORDER BY created_at',
      [lessonId],
    );
    expect(rows.rows).toEqual([
      { id: sa.body.assetId, status: 'failed' },
      { id: sb.body.assetId, status: 'ready' },
    ]);

    // A later replacement, started after the winner was live, is based on it: applied.
    const c = tinyPdf('later');
    const sc = await start(laptop, c, 'later.pdf');
    expect((await laptop.putChunk(sc.body.id, 0, c)).status).toBe(200);
    expect((await laptop.complete(sc.body.id)).status).toBe(200);
  });
});
