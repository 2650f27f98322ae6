import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { SyncPokeEvent } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../test/harness.ts';
import { CARDS, card, checkout, eventually, paidCourse, pay } from './test-support.ts';

let t: TestServer;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => {
  for (const s of sockets) s.disconnect();
  await t.close();
});

describe('after a payment', () => {
  it("the student's device is poked within 2 s, and a pull then lists the purchased course", async () => {
    const course = await paidCourse(t);
    const student = await t.user('student');
    const socket = connect(t.url, {
      path: '/socket.io',
      auth: { token: student.token },
      transports: ['websocket'],
      reconnection: false,
    });
    sockets.push(socket);
    const pokes: number[] = [];
    socket.on(SyncPokeEvent, () => pokes.push(Date.now()));
    await new Promise<void>((resolve, reject) => {
      socket.once('sync:ready', () => resolve());
      socket.once('connect_error', reject);
    });
    const c = await checkout(t, student.token, course.id);
    const before = pokes.length;
    const paidAt = Date.now();
    await pay(t, c.body.checkoutUrl!, card(CARDS.ok));
    const at = await eventually(async () => pokes.slice(before).at(0), 5_000);
    expect(at - paidAt).toBeLessThan(2_000);
    const pulled = await t.api<{
      changes: { entity: string; data?: { courseId?: string; status?: string } }[];
    }>('POST', '/api/v1/sync/pull', {
      token: student.token,
      body: { deviceId: randomUUID(), cursor: null, limit: 500 },
    });
    expect(pulled.status).toBe(200);
    expect(JSON.stringify(pulled.body)).toContain(course.id);
  });
});
