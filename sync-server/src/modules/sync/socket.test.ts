import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { SyncPokeEvent } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { createCourse, enrollDirectly, type CreatedCourse } from '../../../test/factories.ts';
import { Replica, progressArgs } from './test-support.ts';

let t: TestServer;
let course: CreatedCourse;
let owner: Awaited<ReturnType<TestServer['user']>>;
const sockets: Socket[] = [];

beforeAll(async () => {
  t = await startTestServer();
  owner = await t.user('instructor');
  course = await createCourse(t.server.database.pool, { ownerId: owner.id });
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
});

async function online(token: string): Promise<{ socket: Socket; pokes: { seq: number; at: number }[] }> {
  const pokes: { seq: number; at: number }[] = [];
  const socket = connect(t.url, {
    path: '/socket.io',
    auth: { token },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  socket.on(SyncPokeEvent, (p: { seq: number }) => pokes.push({ ...p, at: Date.now() }));
  await new Promise<void>((resolve, reject) => {
    socket.once('sync:ready', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, pokes };
}

const waitFor = async (cond: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
  return cond();
};

describe('socket.io pokes', () => {
  it('refuses a connection without a valid access token', async () => {
    const socket = connect(t.url, {
      path: '/socket.io',
      auth: { token: 'nope' },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    const err = await new Promise<Error>((resolve) => socket.once('connect_error', resolve));
    expect(err.message).toBe('invalid_token');
  });

  it("pokes a student within a second of a change in their scope, and not for others' changes", async () => {
    const pool = t.server.database.pool;
    const a = await t.user('student');
    const b = await t.user('student');
    await enrollDirectly(pool, course.id, a.id);
    await enrollDirectly(pool, course.id, b.id);
    await t.server.sync.sequencer.run();
    const sa = await online(a.token);
    const sb = await online(b.token);

    // A change of B's own progress (from another device): B is poked, A is not.
    const other = new Replica(t, b.token);
    other.queue('recordProgress', progressArgs(course.id, course.lessons[0]!.id, { positionSeconds: 9 }));
    const start = Date.now();
    await other.push();
    expect(await waitFor(() => sb.pokes.length > 0, 1000)).toBe(true);
    expect(sb.pokes[0]!.at - start).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(sa.pokes).toHaveLength(0);

    // A change of the course's structure (written by another path, numbered by the periodic run): both are poked.
    const before = { a: sa.pokes.length, b: sb.pokes.length };
    const t0 = Date.now();
    await pool.query(`UPDATE lessons SET title = 'Renamed' WHERE id = $1`, [course.lessons[0]!.id]);
    expect(await waitFor(() => sa.pokes.length > before.a && sb.pokes.length > before.b, 1000)).toBe(true);
    expect(Date.now() - t0).toBeLessThan(1000);

    // The poke's seq lets the client pull exactly what changed.
    const r = new Replica(t, a.token);
    await r.sync();
    const seq = sa.pokes[sa.pokes.length - 1]!.seq;
    expect(seq).toBeGreaterThan(0);
  });

  it('joins the room of a course the student enrolls in while connected', async () => {
    const s = await t.user('student');
    const c2 = await createCourse(t.server.database.pool, { ownerId: owner.id });
    const so = await online(s.token);
    const res = await t.api('POST', `/api/v1/courses/${c2.id}/enrollment`, { token: s.token });
    expect(res.status).toBe(201);
    expect(await waitFor(() => so.pokes.length > 0, 1000)).toBe(true);
    await new Promise((r) => setTimeout(r, 150));
    const n = so.pokes.length;
    await t.server.database.pool.query(`UPDATE course_modules SET title = 'New name' WHERE course_id = $1`, [
      c2.id,
    ]);
    expect(await waitFor(() => so.pokes.length > n, 1000)).toBe(true);
  });
});
