import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from '../../../test/harness.ts';
import { createHttpApp } from '../../http/app.ts';
import { createCatalogModule, type CatalogModule } from './index.ts';

/**
 * A catalog module of its own over the test server's database, with enrollments decided by a plain Set the test
 * controls ("courseId:userId"), served over HTTP with the real authenticator. Lets catalog tests cover enrolled-only
 * behaviour without depending on how the enrollment module admits students.
 */
export async function standaloneCatalog(
  t: TestServer,
  opts: { cacheTtlMs?: number; searchHeadSize?: number } = {},
) {
  const enrolled = new Set<string>();
  const s = t.server;
  const catalog: CatalogModule = createCatalogModule({
    config: s.config,
    db: s.database.db,
    pool: s.database.pool,
    logger: s.logger,
    mailer: { send: async () => {} },
    users: s.identity.accounts,
    isEnrolled: async (courseId, userId) => enrolled.has(`${courseId}:${userId}`),
    countEnrollments: async (courseId) => [...enrolled].filter((k) => k.startsWith(`${courseId}:`)).length,
    cacheTtlMs: opts.cacheTtlMs,
    searchHeadSize: opts.searchHeadSize,
  });
  const app = createHttpApp({
    routes: catalog.routes,
    auth: s.identity.authenticator,
    logger: s.logger,
    corsOrigins: [],
    validateResponses: true,
    ready: async () => true,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = async <T = unknown>(method: string, p: string, o: { token?: string; body?: unknown } = {}) => {
    const headers: Record<string, string> = {};
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    if (o.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url + p, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  return {
    catalog,
    api,
    enroll: (courseId: string, userId: string) => void enrolled.add(`${courseId}:${userId}`),
    unenroll: (courseId: string, userId: string) => void enrolled.delete(`${courseId}:${userId}`),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type StandaloneCatalog = Awaited<ReturnType<typeof standaloneCatalog>>;
