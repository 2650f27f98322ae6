import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { LYCEUM_ACCOUNT_HOME, VERBS, VIDEO_EXT, activityIri } from '@lyceum/contracts';
import { startTestServer, type TestServer } from '../../../../test/harness.ts';
import { createHttpApp } from '../../../http/app.ts';
import { newId } from '../../../lib/ids.ts';
import { createCollectorModule, type CollectorModule } from './index.ts';
import { memoryStream } from './test-stream.ts';

export interface CollectorTest {
  t: TestServer;
  collector: CollectorModule;
  stream: ReturnType<typeof memoryStream>;
  /** Base URL of an HTTP app serving the collector's routes (auth by the real identity module). */
  url: string;
  api: <T = unknown>(
    method: string,
    p: string,
    opts?: { token?: string; basic?: { key: string; secret: string }; xapi?: boolean; body?: unknown },
  ) => Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

/**
 * A real test server (database, identity) plus the collector module over an in-process stream, its routes mounted
 * on their own HTTP app (app.ts does not compose the collector yet).
 */
export async function startCollectorTest(): Promise<CollectorTest> {
  const t = await startTestServer();
  const logger = pino({ level: 'silent' });
  const stream = memoryStream();
  const collector = createCollectorModule({
    pool: t.server.database.pool,
    db: t.server.database.db,
    stream,
    logger,
  });
  const app = createHttpApp({
    routes: collector.routes,
    auth: t.server.identity.authenticator,
    logger,
    corsOrigins: [],
    validateResponses: true,
    bodyLimit: '5mb',
    ready: async () => true,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api: CollectorTest['api'] = async (method, p, opts = {}) => {
    const headers: Record<string, string> = {};
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.basic)
      headers.authorization = `Basic ${Buffer.from(`${opts.basic.key}:${opts.basic.secret}`).toString('base64')}`;
    if (opts.xapi !== false) headers['x-experience-api-version'] = '1.0.3';
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    }
    const res = await fetch(url + p, { method, headers, body });
    const text = await res.text();
    const parsed: unknown =
      (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text;
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
  return {
    t,
    collector,
    stream,
    url,
    api,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await stream.close();
      await t.close();
    },
  };
}

export const COURSE = '0190b8a0-0000-7000-8000-0000000000c1';
export const LESSON = '0190b8a0-0000-7000-8000-0000000000c2';

/** A valid "paused" video statement of a Lyceum user (or of `actor`), with its own id. */
export function videoStatement(
  userId: string,
  over: Record<string, unknown> = {},
  n = 0,
): Record<string, unknown> {
  return {
    id: newId(),
    actor: { account: { homePage: LYCEUM_ACCOUNT_HOME, name: userId } },
    verb: { id: VERBS.paused, display: { en: 'paused' } },
    object: {
      id: activityIri.lesson(COURSE, LESSON),
      definition: { type: 'https://w3id.org/xapi/video/activity-type/video', name: { en: 'Lesson video' } },
    },
    result: { extensions: { [VIDEO_EXT.time]: 10 + n, [VIDEO_EXT.playedSegments]: `0[.]${10 + n}` } },
    context: { extensions: { [VIDEO_EXT.length]: 600 } },
    timestamp: new Date(Date.UTC(2026, 10, 20, 10, 0, 0, n)).toISOString(),
    ...over,
  };
}
