import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Asset } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { tinyPdf, uploadClient } from '../content/test-support.ts';
import { Replica } from './test-support.ts';

/**
 * A lesson's files are part of what a device keeps offline: when a ready file is attached to a lesson, moved off it
 * or deleted, the course is logged as changed (course scope), so enrolled devices pull it and compare the lesson's
 * manifest with what they store (migration 0014). Uploading itself logs nothing.
 */
let t: TestServer;
let owner: Awaited<ReturnType<TestServer['user']>>;
let student: Awaited<ReturnType<TestServer['user']>>;
let course: CreatedCourse;

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor');
  student = await t.user('student');
  course = await createCourse(t.server.database.pool, {
    ownerId: owner.id,
    status: 'published',
    modules: [[{ title: 'Deck', kind: 'slides' }, { title: 'Other' }]],
  });
  await enrollDirectly(t.server.database.pool, course.id, student.id);
});
afterAll(() => t.close());

describe('lesson files in the change log', () => {
  it('logs the course when a ready file is attached to a lesson, moved to another, detached or deleted', async () => {
    const device = new Replica(t, student.token);
    await device.sync();
    /** The course structures the next pull says changed. */
    const changedCourses = async () => {
      await t.server.sync.sequencer.run();
      const page = await device.pullPage();
      device.apply(page.changes);
      device.cursor = page.cursor;
      return page.changes.filter((c) => c.entity === 'course_detail').map((c) => c.id);
    };

    // Uploaded to the course (not yet to a lesson): nothing a device keeps changed.
    const up = await uploadClient(t, owner.token).uploadAll(course.id, 'slides', 'deck.pdf', tinyPdf('Deck'));
    expect(up.status).toBe(200);
    const assetId = (up.body as unknown as Asset).id;
    expect(await changedCourses()).toEqual([]);

    const attach = (lessonId: string | null) =>
      t.api('PUT', `/api/v1/assets/${assetId}/lesson`, { token: owner.token, body: { lessonId } });
    expect((await attach(course.lesson('Deck').id)).status).toBe(200);
    expect(await changedCourses()).toEqual([course.id]);
    expect((await attach(course.lesson('Other').id)).status).toBe(200);
    expect(await changedCourses()).toEqual([course.id]);
    expect((await attach(null)).status).toBe(200);
    expect(await changedCourses()).toEqual([course.id]);
    // Detached files come and go unnoticed; a deleted lesson file is a change.
    expect((await attach(course.lesson('Deck').id)).status).toBe(200);
    await changedCourses();
    await t.server.database.pool.query('DELETE FROM content_assets WHERE id = $1', [assetId]);
    expect(await changedCourses()).toEqual([course.id]);
  });

  it('does not log a file still uploading or processing on a lesson; logs it once it is ready', async () => {
    const device = new Replica(t, student.token);
    await device.sync();
    const pool = t.server.database.pool;
    const { rows } = await pool.query<{ id: string }>(
      `INSERT INTO content_assets (id, course_id, lesson_id, kind, original_name, size, sha256, status, created_by)
       VALUES (gen_random_uuid(), $1, $2, 'video', 'clip.mp4', 10, $3, 'uploading', $4) RETURNING id::text`,
      [course.id, course.lesson('Deck').id, 'a'.repeat(64), owner.id],
    );
    const id = rows[0]!.id;
    const changed = async () => {
      await t.server.sync.sequencer.run();
      const page = await device.pullPage();
      device.cursor = page.cursor;
      return page.changes.filter((c) => c.entity === 'course_detail').length;
    };
    expect(await changed()).toBe(0);
    await pool.query(`UPDATE content_assets SET status = 'processing', updated_at = now() WHERE id = $1`, [
      id,
    ]);
    await pool.query(`UPDATE content_assets SET updated_at = now() + interval '1 second' WHERE id = $1`, [
      id,
    ]);
    expect(await changed()).toBe(0);
    await pool.query(`UPDATE content_assets SET status = 'ready' WHERE id = $1`, [id]);
    expect(await changed()).toBe(1);
  });
});
